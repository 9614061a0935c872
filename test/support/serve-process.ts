// A real `dacu serve` process, started as a user starts it, for the tests and benches that kill,
// restart or multiply servers: resolves once /health answers; its output is kept for the error.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/support/free-port.ts';

export const root = join(import.meta.dirname, '..', '..');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has gone, with its exit signal. */
  exited: Promise<NodeJS.Signals | null>;
  /** What it has printed so far (stdout and stderr). */
  output(): string;
}

/** `dacu serve <args> --port <port> --log-level warn`; a free port unless one is given. */
export async function spawnServe(
  args: readonly string[],
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<ServeProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    ['bin/dacu.js', 'serve', ...args, '--port', String(port), '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, s) => resolve(s)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child, exited, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`dacu serve did not start:\n${output}`);
}
