/** `npm run bench`: every benchmark, each line a figure beside its budget. */
import { benchIngest } from './ingest.js';
import { benchLedgerScale } from './ledger-scale.js';
import { benchAdvisories } from './advisories.js';
import { benchCode } from './code.js';
import { benchTls } from './tls.js';
import { benchWeb } from './web.js';
import { benchRegex } from './regex.js';
import { benchDatamap } from './datamap.js';

process.stdout.write(`vigil benchmarks — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores\n\n`);
process.stdout.write('ingest (issue 2)\n');
await benchIngest();
process.stdout.write('\nledger at scale (issue 2)\n');
await benchLedgerScale();
process.stdout.write('\nadvisories and dependency audit (issue 3)\n');
await benchAdvisories();
process.stdout.write('\ncode scanner against ESLint + eslint-plugin-security\n');
await benchCode();
process.stdout.write('\ntls scanner against testssl.sh and sslscan\n');
await benchTls();
process.stdout.write('\nweb scanner against wapiti\n');
await benchWeb();
process.stdout.write('\nregular expressions on target text at the 2 MiB cap (issue 10)\n');
await benchRegex();
process.stdout.write('\ndatamap scanner (issue 12)\n');
await benchDatamap();
