import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './files.js';

/** The file beside the ledger that remembers when each dedupe key was last alerted. */
export const STATE_FILE = 'notify-state.json';

interface StateFile {
  version: 1;
  /** dedupe key → ISO time it was last alerted (sent or queued in the outbox). */
  sent: Record<string, string>;
}

/**
 * When each alert key was last alerted, kept in a small JSON file so a restart (the next
 * `vigil scan`, a restarted `vigil serve`) still suppresses what was sent within the window.
 * Writes are atomic, and merge with what another process wrote meanwhile (the later time wins).
 */
export class DedupeState {
  private sent = new Map<string, number>();
  private dirty = false;

  private constructor(
    readonly file: string,
    private readonly windowMs: number,
  ) {}

  /** Load the state; a missing or unreadable file is an empty state (alerts may repeat, none is lost). */
  static async load(file: string, windowMs: number): Promise<{ state: DedupeState; problem?: string }> {
    const s = new DedupeState(file, windowMs);
    const { entries, problem } = await readState(file);
    s.sent = entries;
    return problem ? { state: s, problem } : { state: s };
  }

  /** True when `key` was alerted within the window before `now`. */
  recent(key: string, now: Date): boolean {
    if (this.windowMs <= 0) return false;
    const at = this.sent.get(key);
    return at !== undefined && now.getTime() - at < this.windowMs;
  }

  /** Remember that `key` was alerted at `now`. */
  mark(key: string, now: Date): void {
    this.sent.set(key, now.getTime());
    this.dirty = true;
  }

  /** Write the state, merged with the file as it is now, dropping keys older than the window. */
  async save(now: Date = new Date()): Promise<void> {
    if (!this.dirty) return;
    const { entries } = await readState(this.file);
    for (const [k, t] of entries) if ((this.sent.get(k) ?? -1) < t) this.sent.set(k, t);
    const horizon = now.getTime() - Math.max(this.windowMs, 0);
    const sent: Record<string, string> = {};
    for (const [k, t] of [...this.sent].sort((a, b) => a[1] - b[1])) {
      if (t >= horizon) sent[k] = new Date(t).toISOString();
      else this.sent.delete(k);
    }
    const body: StateFile = { version: 1, sent };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 1)}\n`);
    this.dirty = false;
  }
}

async function readState(file: string): Promise<{ entries: Map<string, number>; problem?: string }> {
  const entries = new Map<string, number>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { entries } : { entries, problem: `cannot read ${file} (${code ?? 'error'})` };
  }
  try {
    const parsed = JSON.parse(text) as Partial<StateFile>;
    if (parsed && typeof parsed.sent === 'object' && parsed.sent !== null) {
      for (const [k, v] of Object.entries(parsed.sent)) {
        const t = typeof v === 'string' ? Date.parse(v) : NaN;
        if (!Number.isNaN(t)) entries.set(k, t);
      }
    }
    return { entries };
  } catch {
    return { entries, problem: `${file} is not valid JSON; starting afresh` };
  }
}
