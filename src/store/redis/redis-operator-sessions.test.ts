// Operator sessions: one contract for both stores (memory, Redis), then what only Redis does —
// hashed keys, PX = the TTL, one session seen by two clients, a foreign value read as none.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryOperatorSessions,
  type OperatorSession,
  type OperatorSessions,
} from '../../support/operator-sessions.ts';
import { connect, purgePrefix, uniquePrefix } from './__fixtures__/redis-test-kit.ts';
import { RedisOperatorSessions } from './redis-operator-sessions.ts';

const clients: Redis[] = [connect(), connect()];
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await purgePrefix(clients[0]!, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

function newPrefix(): string {
  const prefix = uniquePrefix('sessions');
  prefixes.push(prefix);
  return prefix;
}

const newId = () => randomBytes(32).toString('base64url');
const boss: OperatorSession = { username: 'boss', role: 'admin', expiresAt: 1_900_000_000_000 };
const TTL_MS = 60_000;

describe.each([
  ['memory', () => new MemoryOperatorSessions()],
  ['Redis', () => new RedisOperatorSessions(clients[0]!, newPrefix())],
] as [string, () => OperatorSessions][])('OperatorSessions in %s', (_, make) => {
  let sessions: OperatorSessions;
  beforeEach(() => {
    sessions = make();
  });

  it('gives back what was put, and null for an id never put', async () => {
    const id = newId();
    await sessions.put(id, boss, TTL_MS);
    expect(await sessions.get(id)).toEqual(boss);
    expect(await sessions.get(newId())).toBeNull();
  });

  it('forgets a deleted session; deleting an unknown id is no error', async () => {
    const [a, b] = [newId(), newId()];
    await sessions.put(a, boss, TTL_MS);
    await sessions.put(b, { ...boss, username: 'screen', role: 'viewer' }, TTL_MS);
    await sessions.delete(a);
    await sessions.delete(newId());
    expect(await sessions.get(a)).toBeNull();
    expect(await sessions.get(b)).toMatchObject({ username: 'screen', role: 'viewer' });
  });

  it('replaces a session put again under the same id', async () => {
    const id = newId();
    await sessions.put(id, boss, TTL_MS);
    await sessions.put(id, { ...boss, expiresAt: boss.expiresAt + 1 }, TTL_MS);
    expect(await sessions.get(id)).toEqual({ ...boss, expiresAt: boss.expiresAt + 1 });
  });
});

describe('RedisOperatorSessions', () => {
  let prefix: string;
  beforeEach(() => {
    prefix = newPrefix();
  });
  afterEach(async () => {
    await purgePrefix(clients[0]!, prefix);
  });

  it('keys a session by a hash of its id, with PX = the TTL, and keeps the id out of Redis', async () => {
    const sessions = new RedisOperatorSessions(clients[0]!, prefix);
    const id = newId();
    await sessions.put(id, boss, TTL_MS);
    const keys = await clients[0]!.keys(`${prefix}:*`);
    expect(keys).toEqual([sessions.keyOf(id)]);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}:session:[0-9a-f]{64}$`));
    expect(keys[0]).not.toContain(id);
    const value = (await clients[0]!.get(keys[0]!))!;
    expect(value).not.toContain(id);
    expect(JSON.parse(value)).toEqual(boss);
    const pttl = await clients[0]!.pttl(keys[0]!);
    expect(pttl).toBeGreaterThan(TTL_MS - 5_000);
    expect(pttl).toBeLessThanOrEqual(TTL_MS);

    await sessions.delete(id);
    expect(await clients[0]!.keys(`${prefix}:*`)).toEqual([]);
  });

  it('is one session for every server on the same Redis and prefix, none for another prefix', async () => {
    const [serverA, serverB] = clients.map((c) => new RedisOperatorSessions(c, prefix));
    const elsewhere = new RedisOperatorSessions(clients[1]!, newPrefix());
    const id = newId();
    await serverA!.put(id, boss, TTL_MS);
    expect(await serverB!.get(id)).toEqual(boss);
    expect(await elsewhere.get(id)).toBeNull();
    await serverB!.delete(id);
    expect(await serverA!.get(id)).toBeNull();
  });

  it('lets Redis forget a session when its TTL runs out', async () => {
    const sessions = new RedisOperatorSessions(clients[0]!, prefix);
    const id = newId();
    await sessions.put(id, boss, 80);
    expect(await sessions.get(id)).toEqual(boss);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await sessions.get(id)).toBeNull();
  });

  it('reads a value it did not write as no session, and refuses a TTL that is not whole ms', async () => {
    const sessions = new RedisOperatorSessions(clients[0]!, prefix);
    const [garbled, partial] = [newId(), newId()];
    await clients[0]!.set(sessions.keyOf(garbled), '{not json', 'PX', TTL_MS);
    await clients[0]!.set(sessions.keyOf(partial), JSON.stringify({ username: 'boss' }), 'PX', TTL_MS);
    expect(await sessions.get(garbled)).toBeNull();
    expect(await sessions.get(partial)).toBeNull();
    await expect(sessions.put(newId(), boss, 0)).rejects.toThrow(/TTL/);
    await expect(sessions.put(newId(), boss, 1.5)).rejects.toThrow(/TTL/);
  });
});
