// Operator sessions in Redis, shared by every server of a sale: one key per session, holding the
// operator and its expiry, set with PX = the session TTL so Redis forgets it on time; sign-out
// deletes it. The key holds a hash of the session id, never the id: whoever can list keys (a
// dump, MONITOR aside) cannot sign in with what they read.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import type { OperatorSession, OperatorSessions } from '../../support/operator-sessions.ts';
import type { HotClient } from './hot-scripts.ts';

export class RedisOperatorSessions implements OperatorSessions {
  constructor(
    private readonly client: HotClient,
    private readonly prefix: string,
  ) {}

  async put(sessionId: string, session: OperatorSession, ttlMs: number): Promise<void> {
    assert(Number.isSafeInteger(ttlMs) && ttlMs >= 1, `session TTL must be whole ms ≥ 1, got ${ttlMs}`);
    const value = JSON.stringify({
      username: session.username,
      role: session.role,
      expiresAt: session.expiresAt,
    });
    await this.client.set(this.keyOf(sessionId), value, 'PX', ttlMs);
  }

  async get(sessionId: string): Promise<OperatorSession | null> {
    const text = await this.client.get(this.keyOf(sessionId));
    return text === null ? null : parseSession(text);
  }

  async delete(sessionId: string): Promise<void> {
    await this.client.del(this.keyOf(sessionId));
  }

  /** The Redis key of a session id (hashed: also keeps braces out of cluster slot tags). */
  keyOf(sessionId: string): string {
    const digest = createHash('sha256').update(sessionId).digest('hex');
    return `${this.prefix}:session:${digest}`;
  }
}

/** A value this code did not write (or an older layout) reads as no session. */
function parseSession(text: string): OperatorSession | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { username, role, expiresAt } = value as Record<string, unknown>;
  if (typeof username !== 'string' || typeof role !== 'string' || typeof expiresAt !== 'number') return null;
  return { username, role, expiresAt };
}
