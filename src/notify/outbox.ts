import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from './alert.js';

/** Alerts not yet delivered, a JSON line each, beside the ledger. */
export const OUTBOX_FILE = 'notify-outbox.jsonl';

/** One undelivered alert for one channel. Holds no secret: headers and passwords are read when sending. */
export interface OutboxEntry {
  v: 1;
  /** `webhook:<name>`, `email`, `sentry`. */
  channel: string;
  alert: Alert;
  /** When it was first queued: entries older than the outbox's limit are dropped (and logged). */
  queuedAt: string;
  /** Delivery rounds tried so far. */
  tries: number;
  lastError?: string;
  lastTriedAt?: string;
}

/** What one claim took out of the outbox: its entries, lines that could not be read, and how to let go of it. */
export interface OutboxClaim {
  entries: OutboxEntry[];
  unreadable: number;
  /** Remove the claimed file: call once every entry is delivered or queued again. */
  release(): Promise<void>;
}

const CLAIM = /^notify-outbox\.jsonl\.([0-9]+)\.[0-9a-f]+\.claim$/;

/**
 * The outbox file. Adding appends whole lines in one write. Retrying first *claims* the file by
 * renaming it, so two processes (a `vigil scan` and `vigil serve`) never both take the same
 * entries; what fails again is appended anew. A claim left by a process that died is taken
 * over by the next one, so an alert is delivered at least once, never lost to a crash.
 */
export class Outbox {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, OUTBOX_FILE);
  }

  async append(entries: readonly OutboxEntry[]): Promise<void> {
    if (!entries.length) return;
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  }

  /** Take everything in the outbox (and in claims of dead processes); undefined when there is nothing. */
  async claim(): Promise<OutboxClaim | undefined> {
    const sources = [OUTBOX_FILE];
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch {
      return undefined;
    }
    for (const n of names) {
      const m = CLAIM.exec(n);
      if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) sources.push(n);
    }
    const claimed: string[] = [];
    for (const src of sources) {
      const to = join(this.dir, `${OUTBOX_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.claim`);
      try {
        await rename(join(this.dir, src), to);
        claimed.push(to);
      } catch {
        // gone: nothing there, or another process took it first
      }
    }
    if (!claimed.length) return undefined;
    const entries: OutboxEntry[] = [];
    let unreadable = 0;
    for (const f of claimed) {
      const text = await readFile(f, 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as OutboxEntry;
          if (e && e.v === 1 && typeof e.channel === 'string' && e.alert && Array.isArray(e.alert.items)) entries.push(e);
          else unreadable++;
        } catch {
          // a line cut short by a crash mid-append
          unreadable++;
        }
      }
    }
    return {
      entries,
      unreadable,
      release: async () => {
        await Promise.all(claimed.map((f) => rm(f, { force: true })));
      },
    };
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
