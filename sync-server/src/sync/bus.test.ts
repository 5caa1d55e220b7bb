import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../log/logger.ts';
import { startRedis, type TestRedis } from '../test-support/redis.ts';
import { LocalBus, openRedisBus, type Bus, type BusControl, type BusEvent } from './bus.ts';

let redis: TestRedis;
const buses: Bus[] = [];
let prefixCounter = 0;
let prefix = '';

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

/** A bus on the test's own channel prefix, with everything it receives recorded. */
async function open(): Promise<{
  bus: Bus;
  events: BusEvent[];
  resyncs: (readonly string[] | undefined)[];
  log: ReturnType<typeof memoryLogger>;
}> {
  const log = memoryLogger();
  const bus = await openRedisBus(redis.url, log, { keyPrefix: prefix });
  buses.push(bus);
  const events: BusEvent[] = [];
  const resyncs: (readonly string[] | undefined)[] = [];
  bus.onEvent((e) => events.push(e));
  bus.onResync((docs) => resyncs.push(docs));
  return { bus, events, resyncs, log };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Subscribers of `channel` as Redis counts them. */
async function subscribers(channel: string): Promise<number> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const counts = await client.pubSubNumSub(channel);
    return Number(counts[channel] ?? 0);
  } finally {
    client.destroy();
  }
}

async function rawPublish(channel: string, message: Buffer | string): Promise<void> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    await client.publish(channel, message);
  } finally {
    client.destroy();
  }
}

const update = (doc: string, data: Uint8Array): BusEvent => ({ kind: 'update', doc, data });
const bytes = (e: BusEvent): number[] => (e.kind === 'control' ? [] : [...e.data]);

describe('cross-instance bus (Redis)', () => {
  // Each test gets its own channels, so a late message of a previous test cannot leak into the next.
  const fresh = (): void => {
    prefix = `t${++prefixCounter}-${randomBytes(4).toString('hex')}:`;
  };

  it('[BUS1] two instances exchange updates and awareness of a subscribed document, bytes intact, in order', async () => {
    fresh();
    const a = await open();
    const b = await open();
    expect(a.bus.shared).toBe(true);
    expect(a.bus.instanceId).not.toBe(b.bus.instanceId);
    expect(a.bus.connected && b.bus.connected).toBe(true);
    await a.bus.subscribe('accompagnement-1.shared');
    await b.bus.subscribe('accompagnement-1.shared');

    // Every byte value, a zero-length payload and one past 64 KiB.
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = new Uint8Array(randomBytes(200_000));
    a.bus.publish(update('accompagnement-1.shared', all));
    a.bus.publish({ kind: 'awareness', doc: 'accompagnement-1.shared', data: new Uint8Array([1, 0, 255]) });
    a.bus.publish(update('accompagnement-1.shared', new Uint8Array(0)));
    a.bus.publish(update('accompagnement-1.shared', big));
    // Many in one event-loop turn arrive, in order.
    for (let i = 0; i < 2_000; i++)
      a.bus.publish(update('accompagnement-1.shared', new Uint8Array([i >> 8, i & 255])));
    b.bus.publish({ kind: 'awareness', doc: 'accompagnement-1.shared', data: new Uint8Array([42]) });

    await waitFor(() => b.events.length === 2_004, 'the events on B');
    await waitFor(() => a.events.length === 1, "B's awareness on A");
    expect(b.events[0]).toEqual({ kind: 'update', doc: 'accompagnement-1.shared', data: all });
    expect(b.events[1]).toEqual({
      kind: 'awareness',
      doc: 'accompagnement-1.shared',
      data: new Uint8Array([1, 0, 255]),
    });
    expect(bytes(b.events[2]!)).toEqual([]);
    expect(Buffer.from((b.events[3] as { data: Uint8Array }).data).equals(big)).toBe(true);
    expect(b.events.slice(4).map((e) => bytes(e))).toEqual(
      Array.from({ length: 2_000 }, (_, i) => [i >> 8, i & 255]),
    );
    expect(a.events).toEqual([
      { kind: 'awareness', doc: 'accompagnement-1.shared', data: new Uint8Array([42]) },
    ]);
  });

  it('[BUS1] an instance never receives its own events back', async () => {
    fresh();
    const a = await open();
    const b = await open();
    await a.bus.subscribe('d');
    await b.bus.subscribe('d');
    a.bus.publish(update('d', new Uint8Array([1])));
    a.bus.publish({ kind: 'awareness', doc: 'd', data: new Uint8Array([2]) });
    a.bus.publish({ kind: 'control', control: { type: 'close-session', sessionId: 's1' } });
    // B's marker comes after A's own messages on A's subscriber connection.
    await waitFor(() => b.events.length === 3, 'B to receive A');
    b.bus.publish(update('d', new Uint8Array([9])));
    await waitFor(() => a.events.length > 0, 'the marker');
    expect(a.events).toEqual([update('d', new Uint8Array([9]))]);
  });

  it('[BUS1] events of a document not subscribed, or no longer subscribed, are not delivered', async () => {
    fresh();
    const a = await open();
    const b = await open();
    await b.bus.subscribe('kept');
    await b.bus.subscribe('dropped');
    // Subscribing twice is the same as once; one unsubscribe undoes it (no reference counting).
    await b.bus.subscribe('dropped');
    b.bus.unsubscribe('dropped');
    a.bus.publish(update('never-subscribed', new Uint8Array([1])));
    a.bus.publish(update('dropped', new Uint8Array([2])));
    a.bus.publish(update('kept', new Uint8Array([3])));
    await waitFor(() => b.events.length > 0, 'the marker');
    await new Promise((r) => setTimeout(r, 50));
    expect(b.events).toEqual([update('kept', new Uint8Array([3]))]);
    // Redis itself no longer sends the channel to B (nothing leaks), even right after a subscribe.
    await b.bus.subscribe('quick');
    const pending = b.bus.subscribe('quicker');
    b.bus.unsubscribe('quick');
    b.bus.unsubscribe('quicker');
    await pending;
    for (const doc of ['dropped', 'quick', 'quicker']) {
      let count = -1;
      const deadline = Date.now() + 5_000;
      while (count !== 0 && Date.now() < deadline) {
        count = await subscribers(`${prefix}doc:${doc}`);
        if (count !== 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(count, doc).toBe(0);
    }
    expect(await subscribers(`${prefix}doc:kept`)).toBe(1);
  });

  it('[BUS2] control events reach every other instance', async () => {
    fresh();
    const a = await open();
    const b = await open();
    const c = await open();
    const controls: BusControl[] = [
      { type: 'close-session', sessionId: 'session-1' },
      { type: 'close-user', userId: 'user-1', docs: ['a.shared', 'a.private'] },
      { type: 'close-document', doc: 'a.shared', reason: 'Accompagnement clôturé' },
    ];
    for (const control of controls) a.bus.publish({ kind: 'control', control });
    await waitFor(() => b.events.length === 3 && c.events.length === 3, 'the controls');
    const expected = controls.map((control) => ({ kind: 'control', control }));
    expect(b.events).toEqual(expected);
    expect(c.events).toEqual(expected);
    c.bus.publish({ kind: 'control', control: { type: 'close-session', sessionId: 'marker' } });
    await waitFor(() => a.events.length === 1, 'the marker');
    expect(a.events).toEqual([{ kind: 'control', control: { type: 'close-session', sessionId: 'marker' } }]);
  });

  it('[BUS1] subscribe resolves once the subscription is active: a publish right after it is received', async () => {
    fresh();
    const a = await open();
    const b = await open();
    for (let i = 0; i < 30; i++) {
      await b.bus.subscribe(`doc-${i}`);
      a.bus.publish(update(`doc-${i}`, new Uint8Array([i])));
    }
    expect(await subscribers(`${prefix}doc:doc-7`)).toBe(1);
    await waitFor(() => b.events.length === 30, 'the 30 updates');
    expect(b.events.map((e) => (e.kind === 'update' ? e.doc : ''))).toEqual(
      Array.from({ length: 30 }, (_, i) => `doc-${i}`),
    );

    // Redis holding every command for 300 ms: subscribe waits for it, then the subscription is live.
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      await admin.sendCommand(['CLIENT', 'PAUSE', '300', 'ALL']);
      const started = performance.now();
      await b.bus.subscribe('paused');
      expect(performance.now() - started).toBeGreaterThan(250);
      expect(await admin.publish(`${prefix}doc:paused`, 'x')).toBe(1);
    } finally {
      admin.destroy();
    }
  });

  it('[BUS4] unreadable messages are ignored and logged; the bus carries on', async () => {
    fresh();
    const a = await open();
    const b = await open();
    await b.bus.subscribe('d');
    await rawPublish(`${prefix}doc:d`, Buffer.from([7, 1, 2]));
    await rawPublish(`${prefix}doc:d`, Buffer.alloc(40, 9));
    await rawPublish(`${prefix}control`, 'pas du JSON');
    await rawPublish(`${prefix}control`, JSON.stringify({ v: 1, from: 'x', control: { type: 'inconnu' } }));
    await rawPublish(
      `${prefix}control`,
      JSON.stringify({ v: 1, from: 'x', control: { type: 'close-user', userId: 1, docs: [] } }),
    );
    a.bus.publish(update('d', new Uint8Array([5])));
    await waitFor(() => b.events.length > 0, 'the valid update');
    expect(b.events).toEqual([update('d', new Uint8Array([5]))]);
    expect(b.log.lines.some((l) => l.includes('message illisible ignoré'))).toBe(true);
  });

  it('[BUS3] Redis killed then restarted: local work goes on, publishing neither throws nor blocks, subscriptions come back and every instance resyncs', async () => {
    fresh();
    const a = await open();
    const b = await open();
    await a.bus.subscribe('d');
    await b.bus.subscribe('d');
    await b.bus.subscribe('unloaded-while-down');

    await redis.kill();
    await waitFor(() => !a.bus.connected && !b.bus.connected, 'the buses to notice');

    const started = performance.now();
    for (let i = 0; i < 20_000; i++) a.bus.publish(update('d', new Uint8Array(30)));
    a.bus.publish({ kind: 'awareness', doc: 'd', data: new Uint8Array(10) });
    a.bus.publish({ kind: 'control', control: { type: 'close-session', sessionId: 'revoked-while-down' } });
    expect(performance.now() - started).toBeLessThan(1_000);
    // A document loaded while Redis is away does not wait for it.
    const subscribing = performance.now();
    await b.bus.subscribe('loaded-while-down');
    b.bus.unsubscribe('unloaded-while-down');
    b.bus.unsubscribe('d');
    await b.bus.subscribe('d');
    expect(performance.now() - subscribing).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 300)); // a few reconnection attempts
    expect(a.resyncs).toEqual([]);

    await redis.restart();
    await waitFor(() => a.bus.connected && b.bus.connected, 'the reconnection', 5_000);
    // Each lost its subscriber connection: a full reload, once subscribed again.
    await waitFor(() => a.resyncs.includes(undefined) && b.resyncs.includes(undefined), 'the resyncs');

    // Subscriptions work again, including the one made while Redis was away; nothing is doubled. (The
    // control command queued by A may or may not reach B: B was not listening until its own reconnection.)
    b.events.length = 0;
    const received = (): BusEvent[] =>
      b.events.filter((e) => !(e.kind === 'control' && e.control.type === 'close-session'));
    a.bus.publish({ kind: 'control', control: { type: 'close-document', doc: 'd', reason: 'fin' } });
    a.bus.publish(update('d', new Uint8Array([1])));
    a.bus.publish(update('unloaded-while-down', new Uint8Array([0])));
    a.bus.publish(update('loaded-while-down', new Uint8Array([2])));
    b.bus.publish(update('d', new Uint8Array([3])));
    await waitFor(() => received().length === 3 && a.events.length === 1, 'the events after the restart');
    await new Promise((r) => setTimeout(r, 50));
    expect(received()).toEqual([
      { kind: 'control', control: { type: 'close-document', doc: 'd', reason: 'fin' } },
      update('d', new Uint8Array([1])),
      update('loaded-while-down', new Uint8Array([2])),
    ]);
    expect(a.events).toEqual([update('d', new Uint8Array([3]))]);
    expect(await subscribers(`${prefix}doc:d`)).toBe(2);
    expect(await subscribers(`${prefix}doc:loaded-while-down`)).toBe(1);
    expect(await subscribers(`${prefix}doc:unloaded-while-down`)).toBe(0);

    // Logged once per outage, in French, not once per attempt.
    for (const { log } of [a, b]) {
      expect(log.lines.filter((l) => l.includes('Redis injoignable')).length).toBe(1);
      expect(log.lines.filter((l) => l.includes('Redis de nouveau joignable')).length).toBe(1);
    }
  });

  it('[BUS3] an instance that lost Redis alone asks the others to reload the documents it could not publish, and sends its control commands late', async () => {
    fresh();
    const a = await open();
    const b = await open();
    for (const doc of ['d', 'e']) {
      await a.bus.subscribe(doc);
      await b.bus.subscribe(doc);
    }
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      const list = await admin.clientList();
      const pubOfA = list.find((c) => c.name === `compagnon-bus-${a.bus.instanceId}-pub`);
      expect(pubOfA).toBeDefined();
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(pubOfA!.id)]);
    } finally {
      admin.destroy();
    }
    // Whether A has noticed yet or not, these cannot go through the killed connection.
    a.bus.publish(update('d', new Uint8Array([1])));
    a.bus.publish(update('not-loaded-by-b', new Uint8Array([2])));
    a.bus.publish({ kind: 'awareness', doc: 'e', data: new Uint8Array([3]) });
    a.bus.publish({ kind: 'control', control: { type: 'close-user', userId: 'u1', docs: ['d'] } });

    await waitFor(() => b.resyncs.length > 0 && b.events.length > 0, "A's resync request and control");
    await new Promise((r) => setTimeout(r, 100));
    // B never lost Redis: it reloads only what it holds of what A dropped (awareness needs no reload).
    expect(b.resyncs).toEqual([['d']]);
    expect(b.events).toEqual([
      { kind: 'control', control: { type: 'close-user', userId: 'u1', docs: ['d'] } },
    ]);
    expect(a.resyncs).toEqual([]);
    a.bus.publish(update('e', new Uint8Array([4])));
    await waitFor(() => b.events.length === 2, 'an update after the reconnection');
  });

  it('[BUS3] openRedisBus fails at start when Redis cannot be reached, without printing credentials', async () => {
    fresh();
    const log = memoryLogger();
    await redis.kill();
    try {
      await expect(
        openRedisBus(`redis://compagnon:motdepasse-secret@127.0.0.1:${redis.port}`, log, {
          connectTimeoutMs: 500,
        }),
      ).rejects.toThrow(/Redis injoignable \(redis:\/\/127\.0\.0\.1:\d+\)/);
      expect(log.lines.join('\n')).not.toContain('motdepasse-secret');
    } finally {
      await redis.restart();
    }
  });
});

describe('single-instance bus', () => {
  it('[BUS1] LocalBus shares nothing and never waits', async () => {
    const bus = new LocalBus();
    const events: BusEvent[] = [];
    bus.onEvent((e) => events.push(e));
    expect([bus.shared, bus.connected, bus.instanceId.length]).toEqual([false, true, 32]);
    await bus.subscribe('d');
    bus.publish(update('d', new Uint8Array([1])));
    bus.unsubscribe('d');
    await bus.close();
    expect(events).toEqual([]);
  });
});
