// The fuzzer's attackers, run in a worker thread so that their work does not delay the honest clients'
// measurements. Each connection writes a few frames, each followed by a numbered ping, then a frame known
// to be refused: ws answers a ping only while the connection is open, so the pongs received before the
// close frame say exactly which frame the server refused, and the close code is checked against it.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  DETERMINISTIC,
  FrameFactory,
  MALFORMED_CODES,
  Rng,
  ValidWriter,
  type Category,
  type FuzzFrame,
} from './mutations.ts';
import { OP_PING, clientFrame, openRaw, type Closed } from './raw-socket.ts';

export interface AttackConfig {
  seed: number;
  /** Fuzz frames (not counting the valid filler) the server must have handled before stopping. */
  frames: number;
  concurrency: number;
  host: string;
  port: number;
  docs: { name: string; cookie: string }[];
  /** Loopback source addresses the attackers spread over (each is a client address for SYNC9). */
  localAddresses: string[];
  /** Source address of the unauthenticated attempts (SYNC9). */
  unauthenticatedAddress: string;
  /** The server's refused-upgrade budget per address (SYNC9). */
  failedUpgradeBudget: number;
  maxFrameBytes: number;
  /** One oversized frame in this many is sent whole (the others only announce their length). */
  realOversizeEvery: number;
  maxFramesPerConnection: number;
}

export interface CategoryStats {
  handled: number;
  accepted: number;
  refused: number;
  codes: Record<string, number>;
}

export interface AttackReport {
  connections: number;
  /** Fuzz frames the server read: accepted, or refused (the last one of its connection). */
  handled: number;
  /** Fuzz frames written, including those after a refused one (never read). */
  sent: number;
  validHandled: number;
  byCategory: Partial<Record<Category, CategoryStats>>;
  /** Outcome of every connection: `code reason`. */
  closes: Record<string, number>;
  /** Closes caused by something else than the connection's own frames (a room dropped…). */
  collateral: number;
  /** HTTP statuses of refused upgrades (authenticated attackers). */
  upgradeStatuses: Record<string, number>;
  unauthenticated: { statuses: number[]; retryAfter: string | null };
  /** From the last write of a connection to its close frame (client side, ms). */
  closeLatency: { p50: number; p99: number; max: number };
  violations: string[];
  violationCount: number;
  /**
   * Frames the server decoded but Yjs failed to integrate (SYNC4's last row: the room is dropped and its
   * other clients reconnect), as hex, the first few.
   */
  unintegrable: string[];
  durationMs: number;
}

/** Closes that are not a verdict on the frame being read: the room was dropped or its pending discarded. */
const COLLATERAL_REASONS = new Set(['document rechargé', 'mise à jour incomplète', 'stockage indisponible']);
const TERMINATOR = clientFrame(Uint8Array.of(0x7f));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function ping(index: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(index);
  return clientFrame(payload, { opcode: OP_PING });
}

export async function runAttack(
  config: AttackConfig,
  onProgress?: (handled: number) => void,
): Promise<AttackReport> {
  const started = performance.now();
  const rng = new Rng(config.seed);
  const factory = new FrameFactory(new Rng(config.seed ^ 0x5eed), {
    maxFrameBytes: config.maxFrameBytes,
    realOversizeEvery: config.realOversizeEvery,
  });
  const report: AttackReport = {
    connections: 0,
    handled: 0,
    sent: 0,
    validHandled: 0,
    byCategory: {},
    closes: {},
    collateral: 0,
    upgradeStatuses: {},
    unauthenticated: { statuses: [], retryAfter: null },
    closeLatency: { p50: NaN, p99: NaN, max: NaN },
    violations: [],
    violationCount: 0,
    unintegrable: [],
    durationMs: 0,
  };
  const violation = (text: string): void => {
    report.violationCount++;
    if (report.violations.length < 50) report.violations.push(text);
  };
  const latencies: number[] = [];
  const free: ValidWriter[][] = config.docs.map(() => []);

  await probeUnauthenticated(config, report, violation);

  let lastProgress = 0;
  const attacker = async (slot: number): Promise<void> => {
    while (report.handled < config.frames) {
      if (onProgress && report.handled - lastProgress >= 10_000) {
        lastProgress = report.handled - (report.handled % 10_000);
        onProgress(lastProgress);
      }
      const docIndex = rng.int(config.docs.length);
      const doc = config.docs[docIndex]!;
      const writer = free[docIndex]!.pop() ?? new ValidWriter(rng, docIndex);
      writer.begin();
      let pongs = 0;
      const opened = await openRaw(
        {
          host: config.host,
          port: config.port,
          path: `/sync/${encodeURIComponent(doc.name)}`,
          headers: { Cookie: doc.cookie },
        },
        { onPong: () => pongs++ },
        config.localAddresses[slot % config.localAddresses.length],
      ).catch((error: unknown) => {
        violation(`connexion impossible : ${String(error)}`);
        return null;
      });
      if (!opened) {
        free[docIndex]!.push(writer);
        await sleep(100);
        continue;
      }
      if ('status' in opened) {
        report.upgradeStatuses[opened.status] = (report.upgradeStatuses[opened.status] ?? 0) + 1;
        // 429: this address has too many upgrades in progress; anything else is wrong for a valid session.
        if (opened.status !== 429) violation(`upgrade refusé : ${opened.status}`);
        free[docIndex]!.push(writer);
        await sleep(20);
        continue;
      }
      report.connections++;
      const count = 1 + rng.int(config.maxFramesPerConnection);
      const frames: FuzzFrame[] = [];
      const parts: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const frame = factory.next(writer);
        frames.push(frame);
        parts.push(frame.bytes, ping(i));
        if (frame.category !== 'valid') report.sent++;
      }
      parts.push(TERMINATOR, ping(count));
      const sentAt = performance.now();
      opened.write(Buffer.concat(parts));
      const timeout = sleep(10_000).then((): Closed | null => null);
      const closed = await Promise.race([opened.closed, timeout]);
      if (!closed) {
        violation(
          `aucune réponse en 10 s après ${count} trame(s) (${frames.map((f) => f.category).join(', ')})`,
        );
        opened.destroy();
        free[docIndex]!.push(writer);
        continue;
      }
      latencies.push(closed.at - sentAt);
      const outcome = `${closed.code} ${closed.reason}`;
      report.closes[outcome] = (report.closes[outcome] ?? 0) + 1;
      const offender = Math.min(pongs, count);
      for (let i = 0; i <= Math.min(offender, count - 1); i++) {
        const frame = frames[i]!;
        if (frame.category === 'valid') {
          if (i < offender) {
            report.validHandled++;
            if (frame.through !== undefined) writer.confirm(frame.through);
          }
          continue;
        }
        report.handled++;
        const stats = (report.byCategory[frame.category] ??= {
          handled: 0,
          accepted: 0,
          refused: 0,
          codes: {},
        });
        stats.handled++;
        if (i < offender) {
          stats.accepted++;
          if (DETERMINISTIC.has(frame.category))
            violation(`trame ${frame.category} acceptée : ${frame.bytes.subarray(0, 24).toString('hex')}`);
        } else {
          stats.refused++;
          stats.codes[closed.code] = (stats.codes[closed.code] ?? 0) + 1;
        }
      }
      free[docIndex]!.push(writer);
      if (COLLATERAL_REASONS.has(closed.reason) || closed.code === 1011) {
        report.collateral++;
        continue;
      }
      // The verdict on the frame the server stopped at.
      if (offender === count) {
        if (closed.code !== 1003 && closed.code !== 4429)
          violation(`trame finale inconnue fermée avec ${outcome} (1003 attendu)`);
        continue;
      }
      const frame = frames[offender]!;
      if (closed.reason === 'mise à jour inapplicable' && report.unintegrable.length < 10)
        report.unintegrable.push(frame.bytes.toString('hex'));
      if (frame.category === 'valid') {
        if (closed.code !== 4429) violation(`trame valide refusée : ${outcome}`);
      } else if (frame.code !== null) {
        if (closed.code !== frame.code && closed.code !== 4429)
          violation(
            `${frame.category} fermée avec ${outcome}, ${frame.code} attendu : ` +
              frame.bytes.subarray(0, 24).toString('hex'),
          );
      } else if (!MALFORMED_CODES.has(closed.code)) {
        violation(
          `${frame.category} fermée avec ${outcome} : ${frame.bytes.subarray(0, 24).toString('hex')}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, (_, slot) => attacker(slot)));
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  report.closeLatency = { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN };
  report.durationMs = performance.now() - started;
  return report;
}

/**
 * Upgrades with a forged session from one address: the first ones are refused (401), then the address
 * is out of budget and gets 429 with Retry-After before any lookup (SYNC9).
 */
async function probeUnauthenticated(
  config: AttackConfig,
  report: AttackReport,
  violation: (text: string) => void,
): Promise<void> {
  const doc = config.docs[0]!;
  for (let i = 0; i < config.failedUpgradeBudget + 5; i++) {
    const opened = await openRaw(
      {
        host: config.host,
        port: config.port,
        path: `/sync/${encodeURIComponent(doc.name)}`,
        headers: { Cookie: 'compagnon_session=faux-jeton-de-session' },
      },
      {},
      config.unauthenticatedAddress,
    );
    if (!('status' in opened)) {
      opened.destroy();
      violation('une session inventée a ouvert une connexion');
      return;
    }
    report.unauthenticated.statuses.push(opened.status);
    if (opened.status === 429)
      report.unauthenticated.retryAfter = /Retry-After: (\d+)/i.exec(opened.headers)?.[1] ?? null;
  }
  const statuses = report.unauthenticated.statuses;
  const expected = statuses.map((_, i) => (i < config.failedUpgradeBudget ? 401 : 429));
  if (statuses.join() !== expected.join())
    violation(`tentatives sans session : ${statuses.join(' ')} (attendu ${expected.join(' ')})`);
  if (report.unauthenticated.retryAfter === null) violation('429 sans Retry-After');
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void runAttack(workerData as AttackConfig, (handled) =>
    port.postMessage({ type: 'progress', handled }),
  ).then(
    (report) => port.postMessage({ type: 'done', report }),
    (error: unknown) => port.postMessage({ type: 'error', error: String(error) }),
  );
}
