import type { Ledger } from '../ledger/ledger.js';

/**
 * For `vigil serve --demo` (`npm start`): when the ledger has no admin who may log in, add one named
 * `admin` and print its password, once, to the terminal (stderr: never a log file or stdout a script reads).
 */
export async function ensureDemoAdmin(ledger: Ledger, url: string, write: (s: string) => void = (s) => process.stderr.write(s)): Promise<boolean> {
  const users = await ledger.auth.listUsers();
  if (users.some((u) => u.role === 'admin' && !u.disabledAt)) {
    write(`vigil: dashboard on ${url} (log in as an admin user; add one with: npx vigil users add <name> --role admin)\n`);
    return false;
  }
  const { user, password } = await ledger.auth.addUser('admin', 'admin', { actor: 'vigil serve --demo' });
  write(`vigil: dashboard on ${url}\nvigil: user ${user.name} (role admin) added; its password, shown this once: ${password}\n`);
  return true;
}
