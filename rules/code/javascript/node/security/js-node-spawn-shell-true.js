const { spawn, execFileSync } = require('child_process');

function convert(input, output) {
  // ruleid: js-node-spawn-shell-true
  return spawn('convert', [input, '-strip', output], { shell: true });
}

function runScript(script) {
  // ruleid: js-node-spawn-shell-true
  return execFileSync(script, { shell: true, encoding: 'utf8' });
}

function convertSafely(input, output) {
  // ok: js-node-spawn-shell-true
  return spawn('convert', [input, '-strip', output]);
}

function build() {
  // ok: js-node-spawn-shell-true
  return spawn('npm', ['run', 'build'], { shell: true, stdio: 'inherit' });
}

function check(script) {
  // ok: js-node-spawn-shell-true
  return execFileSync(script, ['--check'], { shell: false });
}

module.exports = { convert, runScript, convertSafely, build, check };
