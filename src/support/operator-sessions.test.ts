// Sessions in memory keep a bound: past it, the oldest session is dropped first.
import { describe, expect, it } from 'vitest';
import { MemoryOperatorSessions } from './operator-sessions.ts';

const TTL_MS = 60_000;
const session = (username: string) => ({ username, role: 'viewer', expiresAt: 1_000 });

describe('MemoryOperatorSessions', () => {
  it('keeps at most sessionsMax sessions, dropping the oldest put first', async () => {
    const sessions = new MemoryOperatorSessions(2);
    await sessions.put('a', session('a'), TTL_MS);
    await sessions.put('b', session('b'), TTL_MS);
    await sessions.put('a', session('a2'), TTL_MS); // put again: now the newest
    await sessions.put('c', session('c'), TTL_MS);
    expect(sessions.size).toBe(2);
    expect(await sessions.get('b')).toBeNull();
    expect(await sessions.get('a')).toMatchObject({ username: 'a2' });
    expect(await sessions.get('c')).toMatchObject({ username: 'c' });
  });

  it('hands out copies, so a caller cannot change a kept session', async () => {
    const sessions = new MemoryOperatorSessions();
    const kept = session('a');
    await sessions.put('a', kept, TTL_MS);
    kept.role = 'admin';
    const read = (await sessions.get('a'))!;
    read.role = 'admin';
    expect(await sessions.get('a')).toMatchObject({ role: 'viewer' });
  });
});
