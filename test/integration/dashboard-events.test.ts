import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFixture, type ApiFixture } from '../helpers/api.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-events-'));
const runEvents = new EventEmitter();
let f: ApiFixture;
let cookie: string;

beforeAll(async () => {
  f = await apiFixture(join(dir, 'ledger.db'), { dir, deps: { runEvents } });
  const { password } = await f.ledger.auth.addUser('ci-user', 'ci', { actor: 'test' });
  const form = await f.app.inject({ method: 'GET', url: '/login' });
  const csrf = /name="_csrf" value="([^"]*)"/.exec(form.body)![1]!;
  const loginCookie = ([] as string[]).concat(form.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
  const r = await f.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    payload: new URLSearchParams({ username: 'ci-user', password, _csrf: csrf }).toString(),
  });
  expect(r.statusCode).toBe(303);
  cookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('vigil_session='))!.split(';')[0]!;
});
afterAll(async () => {
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard live runs', () => {
  it('streams the scheduler\'s run events to a session at /events', async () => {
    const address = await f.app.listen({ port: 0, host: '127.0.0.1' });
    const none = await fetch(`${address}/events`, { redirect: 'manual', headers: { connection: 'close' } });
    expect(none.status).toBe(303);
    await none.arrayBuffer();
    const abort = new AbortController();
    const r = await fetch(`${address}/events`, { headers: { cookie: cookie }, signal: abort.signal });
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = r.body!.getReader();
    let text = '';
    await reader.read();
    runEvents.emit('run', { phase: 'started', trigger: 'schedule:hourly', at: '2026-12-07T10:00:00.000Z' });
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toBe('event: run\ndata: {"phase":"started","trigger":"schedule:hourly","at":"2026-12-07T10:00:00.000Z"}\n\n');
    await reader.cancel();
    abort.abort();
  });

});
