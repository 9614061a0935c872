// fetch with the session cookie, JSON in and out, problem+json turned into ApiError.
import type { Problem } from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.code}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { ...body, code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}` };
  } catch {
    return { code: `HTTP_${response.status}` };
  }
}

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...headers },
  };
  if (body !== undefined) {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, { code: 'NETWORK', detail: (error as Error).message });
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    call<T>('POST', path, body ?? {}, headers),
};

/**
 * An Idempotency-Key for a submit: the same body sent again (a retry after a failure, a double
 * click) reuses the key, so the server runs it once; another body gets a new one.
 */
export class SubmitKeys {
  private last: { body: string; key: string } | null = null;

  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    if (this.last?.body !== text) this.last = { body: text, key: randomKey() };
    return this.last.key;
  }

  /** The submit was answered: the next one, even with the same body, is a new request. */
  done(): void {
    this.last = null;
  }
}

// getRandomValues, not randomUUID: the cockpit may be served over plain HTTP on a LAN address.
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
