/**
 * Child process for the API benchmark: `vigil serve`'s HTTP server over the given ledger (SQLite
 * file or postgres:// URL), on a free loopback port, printed as `port <n>` once it listens. No
 * scheduler, no request logs; the per-address rate limit is lifted, as the load comes from one address.
 */
import { openLedger } from '../src/ledger/index.js';
import { buildServer } from '../src/server/app.js';

const location = process.argv[2]!;
const ledger = await openLedger(location);
const app = buildServer({ ledger, version: 'bench', schedules: () => [], ledgerLocation: location, limits: { requestsPerMinute: 1_000_000 }, warmOverview: true });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`port ${typeof address === 'object' && address ? address.port : 0}\n`);
const stop = async () => {
  await app.close();
  await ledger.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
