import cp, { exec as run } from 'child_process';
import * as ns from 'child_process';
const { exec, execFile: ef } = require('child_process');
const plain = require('child_process');
// ruleid: import-alias
run(cmd);
// ruleid: import-alias
exec(cmd, () => {});
// ruleid: import-alias
ns.exec(cmd);
// ruleid: import-alias
cp.exec(cmd);
// ruleid: import-alias
child_process.exec(cmd);
// ok: import-alias
exec("ls");
// ok: import-alias
ef(cmd);
// ok: import-alias
other.exec(cmd);
// a plain require is not resolved (as in Semgrep)
// ok: import-alias
plain.exec(cmd);
