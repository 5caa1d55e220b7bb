// A private redis-server per test file, on a free loopback port: tests never touch a shared Redis, and can
// kill it (SIGKILL) and bring it back on the same port to exercise reconnection.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REDIS_SERVER = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for its exit. */
  stop(): Promise<void>;
  /** Kills the server with SIGKILL, as a crash would, and waits for its exit. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (killing it first if it still runs). */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true once the server answers PING on `port`, false if it does not within one attempt. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

const running = new Set<ChildProcess>();
// A crashed test must not leave redis-server processes behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compagnon-redis-'));
  let port = 0;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const launch = async (): Promise<boolean> => {
    output = '';
    const proc = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    running.add(proc);
    proc.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    proc.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    let alive = true;
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        alive = false;
        running.delete(proc);
        resolve();
      }),
    );
    const deadline = Date.now() + 10_000;
    while (alive && Date.now() < deadline) {
      if (await ping(port)) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (alive) proc.kill('SIGKILL');
    await exited;
    return false;
  };

  // The free port can be taken between the probe and redis' bind: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    if (await launch()) break;
    if (attempt === 4) throw new Error(`redis-server did not start:\n${output}`);
  }

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
    child = null;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGKILL');
      // The port was ours a moment ago; retry briefly in case the kernel has not released it yet.
      for (let attempt = 0; ; attempt++) {
        if (await launch()) return;
        if (attempt === 20) throw new Error(`redis-server did not restart on ${port}:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
