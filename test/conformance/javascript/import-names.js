// ruleid: import-names
import { a as b } from 'm';
// ruleid: import-names
import { spawn, exec } from 'child_process';
// ruleid: import-names
import _, { merge } from 'lodash';
// ok: import-names
import { x } from 'y';
