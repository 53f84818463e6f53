import type { Selectable } from 'kysely';
import type { Run } from '../model/run.js';
import type { LedgerDatabase } from './schema.js';

/** A runs row as the model's Run. */
export function toRun(r: Selectable<LedgerDatabase['runs']>): Run {
  return {
    id: r.id,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status as Run['status'],
    parts: JSON.parse(r.parts) as Run['parts'],
  };
}
