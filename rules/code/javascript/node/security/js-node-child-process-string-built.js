const { exec, execSync } = require('child_process');
const cp = require('node:child_process');
const { quote } = require('shell-quote');

function archive(dir, name) {
  // ruleid: js-node-child-process-string-built
  exec(`tar -czf /backups/${name}.tgz ${dir}`, (err) => { if (err) console.error(err); });
}

function gitLog(branch) {
  // ruleid: js-node-child-process-string-built
  return execSync('git log --oneline ' + branch).toString();
}

function lookup(host) {
  // ruleid: js-node-child-process-string-built
  cp.exec('nslookup ' + host, (err, out) => console.log(out));
}

function gitLogSafely(branch) {
  // ok: js-node-child-process-string-built
  return cp.execFileSync('git', ['log', '--oneline', '--', branch]).toString();
}

function gitLogQuoted(branch) {
  // ok: js-node-child-process-string-built
  return execSync('git log --oneline ' + quote([branch])).toString();
}

function parseVersion(version) {
  // ok: js-node-child-process-string-built
  return /^v(\d+)\./.exec('v' + version);
}

function head() {
  // ok: js-node-child-process-string-built
  return execSync('git rev-parse --short HEAD').toString().trim();
}

module.exports = { archive, gitLog, lookup, gitLogSafely, gitLogQuoted, parseVersion, head };
