// The two servers under test as child processes on loopback, and what /proc says about them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const OUR_ENTRY = path.join(REPO_ROOT, 'sync-server', 'src', 'main.ts');
const REFERENCE_ENTRY = path.join(REPO_ROOT, 'node_modules', '@y', 'websocket-server', 'src', 'server.js');

/** `baseline`: our server from another checkout (`--baseline=<its sync-server/src/main.ts>`), set up like ours. */
export type ServerKind = 'ours' | 'reference' | 'baseline';

/** Our server or a baseline of it: auth on, a data folder, documents under /sync/. */
export const isOurs = (kind: ServerKind): boolean => kind !== 'reference';

const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

export const hasTaskset =
  process.platform === 'linux' && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;

/** User and system CPU time of a process in milliseconds (`/proc/<pid>/stat` utime, stime). */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / CLK_TCK, system: (Number(fields[12]) * 1000) / CLK_TCK };
}

/** User + system CPU time of a process in milliseconds. */
export function cpuMs(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.system;
}

/** Resident memory of a process in MiB (`VmRSS` of `/proc/<pid>/status`). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Busy CPU time of the whole machine in milliseconds (`/proc/stat`), to see what else ran meanwhile. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) /
    CLK_TCK
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  kind: ServerKind;
  pid: number;
  httpUrl: string;
  wsBase: string;
  /** Last lines the process printed (shown when it fails). */
  output: string[];
  /** SIGTERM, then SIGKILL if the process has not exited after `timeoutMs` (10 s by default). */
  stop(timeoutMs?: number): Promise<void>;
  /** `kill -9`: the process dies at once, with whatever it had not committed (workload K). */
  kill(): Promise<void>;
}

/**
 * Starts a server as a child process, pinned to `core` when taskset exists, and resolves once it listens.
 * `nodeArgs` go to Node itself (e.g. `--cpu-prof`).
 */
export async function startServer(
  kind: ServerKind,
  options: {
    dataDir?: string;
    core?: number | null;
    nodeArgs?: string[];
    nice?: number;
    entry?: string;
    /** A given port (a restart on the same address); a free one by default. */
    port?: number;
  } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.entry ?? (kind === 'reference' ? REFERENCE_ENTRY : OUR_ENTRY);
  const nodeArgs = [...(options.nodeArgs ?? []), entry];
  const pinned = hasTaskset && options.core !== null && options.core !== undefined;
  // nice, then taskset, then node, each exec'ing the next: every thread of the server inherits both.
  const chain = [
    ...(options.nice ? ['nice', '-n', String(options.nice)] : []),
    ...(pinned ? ['taskset', '-c', String(options.core)] : []),
    process.execPath,
    ...nodeArgs,
  ];
  const [command, ...args] = chain as [string, ...string[]];
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: String(port) };
  if (isOurs(kind)) {
    if (!options.dataDir) throw new Error('our server needs a data folder');
    env['DATA_DIR'] = options.dataDir;
    env['WEB_DIR'] = path.join(options.dataDir, 'no-web');
  } else {
    // In memory: no YPERSISTENCE, no callback.
    delete env['YPERSISTENCE'];
    delete env['CALLBACK_URL'];
  }
  delete env['NODE_OPTIONS'];
  const child: ChildProcess = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const ready = isOurs(kind) ? 'Compagnon est prêt' : 'running at';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind}: not ready after 30 s\n${output.join('\n')}`)),
      30_000,
    );
    const onLine = (chunk: Buffer): void => {
      // Kept read to the end: a full pipe would block the server.
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        output.push(line);
        if (output.length > 50) output.shift();
        if (line.includes(ready)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${kind}: exited before being ready\n${output.join('\n')}`));
    });
  });
  if (child.pid === undefined) throw new Error(`${kind}: no pid`);
  return {
    kind,
    // nice and taskset exec node in place: the pid is the server's own.
    pid: child.pid,
    httpUrl: `http://127.0.0.1:${port}`,
    wsBase: isOurs(kind) ? `ws://127.0.0.1:${port}/sync/` : `ws://127.0.0.1:${port}/`,
    output,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // Unref'd: a long timeout must not keep the bench alive once the server is gone.
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), timeoutMs).unref(),
      );
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The documents prepared on our server: names, and the session cookie each document's clients use. */
export interface Fixture {
  templateDir: string;
  docs: { name: string; cookie: string }[];
}

async function post(baseUrl: string, route: string, body: unknown, cookie?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cookie) headers['cookie'] = cookie;
  const res = await fetch(baseUrl + route, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${route} → ${res.status} ${text}`);
  const setCookie = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .filter(Boolean)
    .join('; ');
  return { json: JSON.parse(text) as Record<string, unknown>, cookie: setCookie };
}

/**
 * Prepares a data folder through the real API: coaches sign up (one session each, up to 100 documents
 * per coach), each creates its accompaniments, whose shared documents the clients will edit. The folder
 * is then copied for each run, so every run starts from the same state.
 */
export async function prepareFixture(docCount: number): Promise<Fixture> {
  const templateDir = mkdtempSync(path.join(tmpdir(), 'compagnon-bench-'));
  const server = await startServer('ours', { dataDir: templateDir, core: null });
  try {
    const docs: Fixture['docs'] = [];
    const perCoach = 100;
    for (let c = 0; c * perCoach < docCount; c++) {
      const { cookie } = await post(server.httpUrl, '/api/auth/sign-up/email', {
        email: `coach.${c}.${process.pid}@banc-essai.fr`,
        password: 'motdepasse-du-banc',
        name: `Coach ${c}`,
      });
      if (!cookie) throw new Error('sign-up set no session cookie');
      const count = Math.min(perCoach, docCount - c * perCoach);
      const created = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          post(
            server.httpUrl,
            '/api/accompaniments',
            { title: `Banc d’essai ${c}-${i}`, kind: 'bilan', hoursBudget: 24 },
            cookie,
          ),
        ),
      );
      for (const { json } of created) docs.push({ name: String(json['sharedDoc']), cookie });
    }
    return { templateDir, docs };
  } finally {
    await server.stop();
  }
}

/** A fresh copy of the fixture's data folder for one run. */
export function copyDataDir(fixture: Fixture): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'compagnon-bench-run-'));
  cpSync(fixture.templateDir, dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
