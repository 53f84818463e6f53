const sh = require('shelljs');
function run(c) {
  // ruleid: seq-inside
  sh.exec(c);
}
if (x) {
  // ruleid: seq-inside
  sh.exec("ls");
}
// ok: seq-inside
other.exec(c);
