// Operator sessions (api/auth.ts) behind a port: one server keeps them in memory; servers that
// share Redis keep them there (store/redis/redis-operator-sessions.ts), so an operator signed in
// on one server is known to every other, and a sign-out on any of them ends the session for all.

/** What a session id stands for. The role is checked again by the reader (it may come from Redis). */
export interface OperatorSession {
  username: string;
  role: string;
  /** Epoch ms by the auth clock; a session at or past it is gone. */
  expiresAt: number;
}

export interface OperatorSessions {
  /** Keeps the session for `ttlMs` (a store may forget it earlier, never keep it longer). */
  put(sessionId: string, session: OperatorSession, ttlMs: number): Promise<void>;
  /** The session, or null when unknown or forgotten. */
  get(sessionId: string): Promise<OperatorSession | null>;
  delete(sessionId: string): Promise<void>;
}

/** Sessions one process keeps at most; the oldest is dropped first. */
export const MEMORY_SESSIONS_MAX = 10_000;

/** Sessions in this process (the embedded default): a restart signs everyone out. */
export class MemoryOperatorSessions implements OperatorSessions {
  private readonly sessions = new Map<string, OperatorSession>();

  constructor(private readonly sessionsMax = MEMORY_SESSIONS_MAX) {}

  get size(): number {
    return this.sessions.size;
  }

  async put(sessionId: string, session: OperatorSession, _ttlMs: number): Promise<void> {
    // The reader drops a session past its expiresAt, so the TTL needs no timer here.
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, { ...session });
    while (this.sessions.size > this.sessionsMax) {
      this.sessions.delete(this.sessions.keys().next().value as string);
    }
  }

  async get(sessionId: string): Promise<OperatorSession | null> {
    const session = this.sessions.get(sessionId);
    return session ? { ...session } : null;
  }

  async delete(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
  }
}
