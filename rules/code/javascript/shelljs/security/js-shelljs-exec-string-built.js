const shell = require('shelljs');
const { quote } = require('shell-quote');

function deploy(branch, env) {
  // ruleid: js-shelljs-exec-string-built
  shell.exec(`git checkout ${branch} && npm run deploy -- --env ${env}`);
}

function cleanup(dir) {
  // ruleid: js-shelljs-exec-string-built
  if (shell.exec('rm -rf ' + dir).code !== 0) shell.echo('cleanup failed');
}

function install() {
  // ok: js-shelljs-exec-string-built
  shell.exec('npm ci --ignore-scripts');
}

function cleanupSafely(dir) {
  // ok: js-shelljs-exec-string-built
  shell.rm('-rf', dir);
}

function checkout(branch) {
  // ok: js-shelljs-exec-string-built
  shell.exec('git checkout ' + quote([branch]));
}

module.exports = { deploy, cleanup, install, cleanupSafely, checkout };
