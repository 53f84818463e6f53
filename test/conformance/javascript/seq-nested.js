// ruleid: seq-nested
const sh = require('shelljs');
function run(c) {
  sh.exec(c);
}
// ok: seq-nested
const fs = require('shelljs');
fs.readFile(c);
