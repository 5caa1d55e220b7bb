// One-shot clients for the cold-load (L) and kill -9 (K) workloads: open a socket, ask for the whole
// document, time the answer. Percentiles of a handful of samples, as the other workloads print them.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { EMPTY_STEP1, isSyncStep2, syncPayload } from './frames.ts';
import type { DocTarget } from './load.ts';

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** p50 / p99 / max (nearest rank below, as load.ts does: with fewer than 100 samples, p99 is the max). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p99: NaN, max: NaN, samples: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, samples: sorted.length };
}

export interface FirstSync {
  /** From the connection attempt (TCP connect, upgrade request) to the sync step 2, in ms. */
  totalMs: number;
  /** From the WebSocket `open` (handshake done) to the sync step 2, in ms. */
  afterOpenMs: number;
  /** The whole document, as the server sent it. */
  update: Uint8Array;
}

/**
 * Connects to a document, sends a sync step 1 with an empty state vector on `open` (a fresh client) and
 * waits for the sync step 2 that answers it; then closes the socket.
 */
export function firstSync(target: DocTarget, timeoutMs = 60_000): Promise<FirstSync> {
  return new Promise<FirstSync>((resolve, reject) => {
    const start = performance.now();
    let opened = NaN;
    const ws = new WebSocket(target.url, { headers: target.headers, perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${target.url}: no sync step 2 after ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      opened = performance.now();
      ws.send(EMPTY_STEP1);
    });
    ws.on('message', (data: Buffer) => {
      if (!isSyncStep2(data)) return;
      const end = performance.now();
      clearTimeout(timer);
      const update = syncPayload(data);
      ws.close();
      if (!update) return reject(new Error(`${target.url}: unreadable sync step 2`));
      resolve({ totalMs: end - start, afterOpenMs: end - opened, update: Uint8Array.from(update) });
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${target.url}: ${error.message}`));
    });
    ws.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target.url}: closed before the sync step 2 (${code})`));
    });
  });
}

/** Sends `frames` on a fresh connection, then waits until the server has processed them (a step 1 round trip). */
export function sendAll(
  target: DocTarget,
  frames: readonly Uint8Array[],
  timeoutMs = 600_000,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(target.url, { headers: target.headers, perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${target.url}: updates not processed after ${timeoutMs} ms`));
    }, timeoutMs);
    let sent = false;
    ws.once('open', () => {
      for (const frame of frames) ws.send(frame);
      // Answered once every message before it was handled: messages of a connection are taken in order.
      ws.send(EMPTY_STEP1);
      sent = true;
    });
    ws.on('message', (data: Buffer) => {
      if (!sent || !isSyncStep2(data)) return;
      clearTimeout(timer);
      ws.close();
      resolve();
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${target.url}: ${error.message}`));
    });
  });
}

/** The client ids of `expected` whose clock `got` does not reach. */
export function missingClients(
  expected: ReadonlyMap<number, number>,
  got: ReadonlyMap<number, number>,
): number[] {
  const missing: number[] = [];
  for (const [client, clock] of expected) if ((got.get(client) ?? 0) < clock) missing.push(client);
  return missing;
}
