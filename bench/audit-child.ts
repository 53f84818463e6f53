/**
 * Child process for the audit report budget: `vigil report audit` exactly as a user runs it (the
 * CLI's own code path, in this process), then this process's peak RSS in MB on the last line.
 */
import { main } from '../src/cli/main.js';

const code = await main(['node', 'vigil', 'report', 'audit', ...process.argv.slice(2)]);
process.stdout.write(`${code} ${process.resourceUsage().maxRSS / 1024}\n`);
process.exit(code);
