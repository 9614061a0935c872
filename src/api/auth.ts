// Operators sign in to the cockpit and the operators' pages (shoppers never do: the gateway
// vouches for them with x-buyer-id). Accounts come from `dacu serve --operators FILE` or
// DACU_OPERATORS; passwords are kept as scrypt hashes and compared in constant time; a session is
// a random 32-byte id in an HttpOnly, SameSite=Lax cookie, held with an expiry in an
// OperatorSessions store: this process's memory on one server (a restart signs everyone out), Redis
// when servers share a sale, so any of them knows the session. Sign-in attempts are limited per
// username in RateWindows, shared the same way, so N servers do not allow N times the attempts.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { fail, type Outcome } from '../services/problem.ts';
import { MemoryOperatorSessions, type OperatorSessions } from '../support/operator-sessions.ts';
import { MemoryRateWindows, type RateWindows } from '../support/rate-windows.ts';
import { ProblemError } from './problem.ts';

export const OPERATOR_ROLES = ['admin', 'operator', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export interface Operator {
  username: string;
  role: OperatorRole;
}

/** One account as configured: a password in clear (hashed at load) or its hashPassword() form. */
export interface OperatorSpec {
  username: string;
  password?: string;
  passwordHash?: string;
  role: OperatorRole;
}

export const authLimits = {
  accountsMax: 1_000,
  usernameLengthMax: 64,
  passwordLengthMax: 256,
  /** Sign-in attempts per username from one address per window; more answer 429 RATE_LIMITED. */
  loginAttemptsMax: 10,
  /**
   * Per username from every address together: guessing from many addresses stops here, while one
   * address hammering a name (to lock its operator out mid-sale) locks out only itself.
   */
  loginAttemptsPerAccountMax: 100,
  loginWindowMs: 60_000,
  /** How long a session lasts (memory keeps at most MEMORY_SESSIONS_MAX: support/operator-sessions.ts). */
  sessionTtlMs: 12 * 60 * 60_000,
} as const;

export const SESSION_COOKIE = 'dacu_session';
const USERNAME = /^[A-Za-z0-9._@-]+$/;
/** What openSession() makes (32 random bytes, base64url); anything else is not looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The fixed accounts of `dacu demo` (never for a real sale). */
export function demoOperators(): OperatorSpec[] {
  return [
    { username: 'admin', password: 'dacu-demo', role: 'admin' },
    { username: 'viewer', password: 'dacu-view', role: 'viewer' },
  ];
}

/** With no accounts configured: one admin with a random password, to be printed once. */
export function generatedAdmin(): OperatorSpec & { password: string } {
  return { username: 'admin', password: randomBytes(12).toString('base64url'), role: 'admin' };
}

export class OperatorsInvalid extends Error {
  override name = 'OperatorsInvalid';
}

// ---------------------------------------------------------------------------------------------
// Passwords: scrypt (node:crypto), stored as scrypt$N$r$p$salt$hash (base64url).

const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT;
  const salt = randomBytes(saltLength);
  const key = await scryptAsync(password, salt, N, r, p, keyLength);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  const sane = (n: number, max: number) => Number.isSafeInteger(n) && n >= 1 && n <= max;
  // N a power of two; bounds keep a hostile file from asking for gigabytes or minutes.
  if (!sane(N, 1 << 20) || (N & (N - 1)) !== 0 || !sane(r, 32) || !sane(p, 16)) return null;
  if (salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { N, r, p, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

// ---------------------------------------------------------------------------------------------
// Account lists: a JSON file or DACU_OPERATORS.

function checkSpec(spec: OperatorSpec, where: string): OperatorSpec {
  const { username, password, passwordHash, role } = spec;
  if (
    typeof username !== 'string' ||
    !USERNAME.test(username) ||
    username.length > authLimits.usernameLengthMax
  )
    throw new OperatorsInvalid(`${where}: username must be 1–64 of A-Z a-z 0-9 . _ @ -`);
  if (!OPERATOR_ROLES.includes(role))
    throw new OperatorsInvalid(`${where}: role must be admin, operator or viewer`);
  const hasPassword = typeof password === 'string' && password.length > 0;
  const hasHash = typeof passwordHash === 'string';
  if (hasPassword === hasHash) throw new OperatorsInvalid(`${where}: give either password or passwordHash`);
  if (hasPassword && password.length > authLimits.passwordLengthMax)
    throw new OperatorsInvalid(`${where}: password longer than ${authLimits.passwordLengthMax} characters`);
  if (hasHash && !parseHash(passwordHash))
    throw new OperatorsInvalid(`${where}: passwordHash is not scrypt$N$r$p$salt$hash`);
  return hasPassword ? { username, password, role } : { username, passwordHash, role };
}

function checkList(specs: OperatorSpec[], where: string): OperatorSpec[] {
  if (specs.length === 0) throw new OperatorsInvalid(`${where}: no accounts`);
  if (specs.length > authLimits.accountsMax)
    throw new OperatorsInvalid(`${where}: more than ${authLimits.accountsMax} accounts`);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.username)) throw new OperatorsInvalid(`${where}: ${spec.username} listed twice`);
    seen.add(spec.username);
  }
  return specs;
}

/** `[{username, password | passwordHash, role}]`, as read from an --operators file. */
export function parseOperatorsJson(value: unknown, where = 'operators'): OperatorSpec[] {
  if (!Array.isArray(value)) throw new OperatorsInvalid(`${where}: expected an array of accounts`);
  const specs = value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null)
      throw new OperatorsInvalid(`${where}[${i}]: expected {username, password | passwordHash, role}`);
    return checkSpec(entry as OperatorSpec, `${where}[${i}]`);
  });
  return checkList(specs, where);
}

/** `name:password:role,…` (DACU_OPERATORS). A password may hold colons but not commas. */
export function parseOperatorsEnv(text: string, where = 'DACU_OPERATORS'): OperatorSpec[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const specs = entries.map((entry, i) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first <= 0 || last === first)
      throw new OperatorsInvalid(`${where} entry ${i + 1}: expected name:password:role`);
    const spec = {
      username: entry.slice(0, first),
      password: entry.slice(first + 1, last),
      role: entry.slice(last + 1) as OperatorRole,
    };
    return checkSpec(spec, `${where} entry ${i + 1} (${spec.username})`);
  });
  return checkList(specs, where);
}

// ---------------------------------------------------------------------------------------------
// Sessions and sign-in.

interface Account extends Operator {
  passwordHash: string;
}

export interface SignedIn {
  operator: Operator;
  sessionId: string;
  expiresAt: number;
}

export interface OperatorAuthOptions {
  clock?: () => number;
  sessionTtlMs?: number;
  /** Where sessions live (default: this process). Servers of one sale pass their shared store. */
  sessions?: OperatorSessions;
  /** Where sign-in attempts are counted (default: this process, by `clock`). */
  rates?: RateWindows;
}

function isRole(role: string): role is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(role);
}

export class OperatorAuth {
  private readonly sessions: OperatorSessions;
  private readonly rates: RateWindows;
  private readonly clock: () => number;
  readonly sessionTtlMs: number;
  /** Verified against when the username is unknown, so both cases take as long. */
  private decoy: Promise<string> | null = null;
  /** The operator requireOperator() let through, so the handler need not read the store again. */
  private readonly admitted = new WeakMap<FastifyRequest, Operator>();

  private constructor(
    private readonly accounts: ReadonlyMap<string, Account>,
    options: OperatorAuthOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.sessionTtlMs = options.sessionTtlMs ?? authLimits.sessionTtlMs;
    this.sessions = options.sessions ?? new MemoryOperatorSessions();
    this.rates = options.rates ?? new MemoryRateWindows(this.clock);
  }

  /** Hashes the clear-text passwords once, at start. */
  static async create(
    specs: readonly OperatorSpec[],
    options: OperatorAuthOptions = {},
  ): Promise<OperatorAuth> {
    const accounts = new Map<string, Account>();
    for (const spec of specs) {
      const passwordHash = spec.passwordHash ?? (await hashPassword(spec.password ?? ''));
      accounts.set(spec.username, { username: spec.username, role: spec.role, passwordHash });
    }
    return new OperatorAuth(accounts, options);
  }

  /** Nobody can sign in (a server built without accounts). */
  static closed(): OperatorAuth {
    return new OperatorAuth(new Map(), {});
  }

  get accountCount(): number {
    return this.accounts.size;
  }

  /** `from`: the client's address (behind a proxy, as `--trust-proxy` lets Fastify read it). */
  async login(username: string, password: string, from = 'unknown'): Promise<Outcome<SignedIn>> {
    const { loginAttemptsMax, loginAttemptsPerAccountMax, loginWindowMs } = authLimits;
    const name = username.toLowerCase();
    // The account's window counts only attempts its address's window let through: one address
    // hammering a name fills its own window, never the account's.
    let waitMs = await this.rates.hit(`operator-login:${name}:from:${from}`, loginAttemptsMax, loginWindowMs);
    if (waitMs === 0)
      waitMs = await this.rates.hit(`operator-login:${name}`, loginAttemptsPerAccountMax, loginWindowMs);
    if (waitMs > 0) {
      const detail = `too many sign-in attempts for ${username}; wait a minute`;
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      return fail('RATE_LIMITED', detail, { extra: { retryAfterSeconds } });
    }
    const account = this.accounts.get(username);
    this.decoy ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verifyPassword(password, account?.passwordHash ?? (await this.decoy));
    if (!account || !ok) return fail('INVALID_CREDENTIALS', 'wrong username or password');
    const operator = { username: account.username, role: account.role };
    return { ok: true, value: await this.openSession(operator) };
  }

  /** Ends the session on every server that shares the store. */
  async logout(sessionId: string | undefined): Promise<void> {
    if (sessionId && SESSION_ID.test(sessionId)) await this.sessions.delete(sessionId);
  }

  /** The operator a session id belongs to, or null (unknown, expired, or a role no longer known). */
  async operatorOf(sessionId: string | undefined): Promise<Operator | null> {
    if (!sessionId || !SESSION_ID.test(sessionId)) return null;
    const session = await this.sessions.get(sessionId);
    if (!session) return null;
    if (session.expiresAt <= this.clock()) {
      await this.sessions.delete(sessionId);
      return null;
    }
    if (!isRole(session.role)) return null;
    return { username: session.username, role: session.role };
  }

  /** The request's operator: the one requireOperator() admitted, else from its session cookie. */
  async operatorOfRequest(request: FastifyRequest): Promise<Operator | null> {
    const admitted = this.admitted.get(request);
    if (admitted) return admitted;
    return this.operatorOf(readCookie(request.headers.cookie, SESSION_COOKIE));
  }

  /** onRequest hook: 401 without a session, 403 for a role not in `roles`. */
  requireOperator(roles: readonly OperatorRole[] = OPERATOR_ROLES) {
    return async (request: FastifyRequest): Promise<void> => {
      const operator = await this.operatorOfRequest(request);
      if (!operator)
        throw new ProblemError({ code: 'UNAUTHENTICATED', detail: 'sign in as an operator first' });
      if (!roles.includes(operator.role)) {
        const detail = `the ${operator.role} role may not do this (needs ${roles.join(' or ')})`;
        throw new ProblemError({ code: 'FORBIDDEN', detail });
      }
      this.admitted.set(request, operator);
    };
  }

  private async openSession(operator: Operator): Promise<SignedIn> {
    const sessionId = randomBytes(32).toString('base64url');
    // Taken after the password check (scrypt takes a while), so the session gets its full TTL.
    const expiresAt = this.clock() + this.sessionTtlMs;
    await this.sessions.put(sessionId, { ...operator, expiresAt }, this.sessionTtlMs);
    return { operator, sessionId, expiresAt };
  }
}

// ---------------------------------------------------------------------------------------------
// The session cookie.

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value; an empty id with maxAgeS 0 clears the cookie. */
export function sessionCookie(sessionId: string, maxAgeS: number, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${sessionId}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeS}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
