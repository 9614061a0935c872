// A throwaway three-master Redis Cluster on loopback for tests: real redis-server processes in a
// temp dir, joined with redis-cli --cluster create, ready when every node says cluster_state:ok.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/support/free-port.ts';

const run = promisify(execFile);
const readyWaitMs = 20_000;

export interface TestCluster {
  ports: number[];
  stop(): void;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + readyWaitMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
}

export async function startCluster(nodeCount = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'dacu-redis-cluster-'));
  const servers: ChildProcess[] = [];
  const stop = () => {
    for (const s of servers) s.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    // Ports one at a time, each node listening before the next is asked for: freePort may hand out
    // a port again until somebody binds it. The cluster bus gets its own free port (cluster-port)
    // rather than the default port + 10000, which may be taken or beyond 65535.
    for (let i = 0; i < nodeCount; i++) {
      const port = await freePort();
      let busPort = await freePort();
      while (busPort === port) busPort = await freePort();
      ports.push(port);
      servers.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
            ...['--cluster-port', String(busPort)],
            ...['--cluster-config-file', join(dir, `nodes-${port}.conf`), '--save', ''],
            ...['--appendonly', 'no', '--daemonize', 'no'],
          ],
          { cwd: dir, stdio: 'ignore' },
        ),
      );
      await waitFor(`redis-server on ${port}`, async () => (await cli(port, 'ping')).trim() === 'PONG');
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await waitFor(`cluster_state:ok on ${port}`, async () =>
        (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'),
      );
    }
    return { ports, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
