import { describe, expect, it } from 'vitest';
import {
  UploadQueue,
  defaultBackoff,
  type SendOutcome,
  type SendRequest,
  type StoredUpload,
  type UploadStore,
  type UploadedFile,
} from './upload-queue.ts';

class MemoryStore implements UploadStore {
  records = new Map<string, StoredUpload>();
  async all(): Promise<StoredUpload[]> {
    return [...this.records.values()].map((r) => ({ ...r }));
  }
  async put(record: StoredUpload): Promise<void> {
    this.records.set(record.id, { ...record });
  }
  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }
  close(): void {}
}

/** A server whose answers the test decides, one per request. */
class FakeServer {
  requests: SendRequest[] = [];
  /** An answer, or what the server does while receiving (reporting progress) before answering. */
  answers: (SendOutcome | ((request: SendRequest) => SendOutcome))[] = [];
  send = async (request: SendRequest): Promise<SendOutcome> => {
    this.requests.push(request);
    const answer = this.answers.shift();
    if (!answer) throw new Error('no answer prepared');
    return typeof answer === 'function' ? answer(request) : answer;
  };
}

function setup(options: { online?: boolean; store?: MemoryStore } = {}) {
  const store = options.store ?? new MemoryStore();
  const server = new FakeServer();
  const clock = { now: 1_000 };
  const timers: { at: number; fn: () => void }[] = [];
  let online = options.online ?? true;
  let ids = 0;
  const queue = new UploadQueue({
    store,
    send: server.send,
    isOnline: () => online,
    now: () => clock.now,
    newId: () => `u${++ids}`,
    setTimer: (fn, ms) => {
      const timer = { at: clock.now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      const i = timers.indexOf(handle as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const states: string[] = [];
  queue.subscribe((items) => states.push(items.map((i) => i.state).join(',')));
  return {
    queue,
    store,
    server,
    states,
    timers,
    setOnline(value: boolean) {
      online = value;
    },
    /** Moves the clock and runs the timers that are due. */
    async advance(ms: number) {
      clock.now += ms;
      for (const timer of timers.filter((t) => t.at <= clock.now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
      await queue.idle();
    },
  };
}

const pdf = (name = 'cv.pdf') => ({
  blob: new Blob(['%PDF-1.7'], { type: 'application/pdf' }),
  name,
  size: 8,
  type: 'application/pdf',
});

const answer = (id: string, name = 'cv.pdf'): SendOutcome => ({
  kind: 'sent',
  file: { fileId: id, name, size: 8, type: 'application/pdf' },
});

describe('UploadQueue', () => {
  it('sends a queued file and hands the answer to the form that chose it', async () => {
    const t = setup();
    const received: UploadedFile[] = [];
    t.queue.bind('form-1', (file) => received.push(file));
    t.server.answers.push(answer('f1'));
    await t.queue.enqueue({ ...pdf(), scope: 'step:s1', accompanimentId: 'a1', owner: 'form-1' });
    await t.queue.idle();

    expect(t.states).toEqual(['queued', 'sending', 'sent', 'sent']);
    expect(t.server.requests[0]).toMatchObject({
      name: 'cv.pdf',
      type: 'application/pdf',
      accompanimentId: 'a1',
    });
    expect(received).toEqual([{ fileId: 'f1', name: 'cv.pdf', size: 8, type: 'application/pdf' }]);
    expect(t.queue.items[0]).toMatchObject({ state: 'sent', delivered: true, result: { fileId: 'f1' } });
    // Delivered: nothing left to remember on the device.
    expect(t.store.records.size).toBe(0);
  });

  it('reports the share of bytes sent while sending, and forgets it once sent', async () => {
    const t = setup();
    const seen: (number | null)[] = [];
    t.server.answers.push((request) => {
      request.onProgress?.(0.25);
      seen.push(t.queue.items[0]!.progress);
      request.onProgress?.(1.5);
      seen.push(t.queue.items[0]!.progress);
      return answer('f1');
    });
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    await t.queue.idle();
    expect(seen).toEqual([0.25, 1]);
    expect(t.queue.items[0]).toMatchObject({ state: 'sent', progress: null });
  });

  it('waits while offline and leaves when the connection is back', async () => {
    const t = setup({ online: false });
    t.server.answers.push(answer('f1'));
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    await t.queue.idle();
    expect(t.queue.items[0]?.state).toBe('queued');
    expect(t.server.requests).toHaveLength(0);
    // Stored, file included, so that a reload does not lose it.
    expect(t.store.records.get('u1')?.blob).toBeInstanceOf(Blob);

    t.setOnline(true);
    t.queue.wake();
    await t.queue.idle();
    expect(t.queue.items[0]?.state).toBe('sent');
  });

  it('retries a network failure with a growing delay, then succeeds', async () => {
    const t = setup();
    t.server.answers.push(
      { kind: 'retry', message: 'Impossible de joindre le serveur.' },
      { kind: 'retry', message: 'Impossible de joindre le serveur.' },
      answer('f1'),
    );
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    await t.queue.idle();
    expect(t.queue.items[0]).toMatchObject({ state: 'queued', attempts: 1, retryAt: 1_000 + 2_000 });
    expect(t.queue.items[0]?.error).toBe('Impossible de joindre le serveur.');

    await t.advance(1_999);
    expect(t.server.requests).toHaveLength(1);
    await t.advance(1);
    expect(t.server.requests).toHaveLength(2);
    expect(t.queue.items[0]).toMatchObject({ state: 'queued', attempts: 2, retryAt: 3_000 + 4_000 });

    await t.advance(4_000);
    expect(t.server.requests).toHaveLength(3);
    expect(t.queue.items[0]).toMatchObject({ state: 'sent', attempts: 0, error: null });
  });

  it('tries again at once when the browser comes back online, whatever the back-off', async () => {
    const t = setup();
    t.server.answers.push({ kind: 'retry', message: 'hors ligne' }, answer('f1'));
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    await t.queue.idle();
    expect(t.timers).toHaveLength(1);
    t.queue.wake();
    await t.queue.idle();
    expect(t.queue.items[0]?.state).toBe('sent');
    expect(t.timers).toHaveLength(0);
  });

  it('treats a thrown sender as a network failure', async () => {
    const t = setup();
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    await t.queue.idle();
    expect(t.queue.items[0]).toMatchObject({ state: 'queued', attempts: 1, error: 'no answer prepared' });
  });

  it('stops on a refusal with the server message, and can be retried by hand', async () => {
    const t = setup();
    t.server.answers.push({ kind: 'rejected', message: 'Type de fichier non accepté.' });
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    await t.queue.idle();
    expect(t.queue.items[0]).toMatchObject({ state: 'failed', error: 'Type de fichier non accepté.' });
    expect(t.timers).toHaveLength(0);

    t.server.answers.push(answer('f1'));
    t.queue.retry('u1');
    await t.queue.idle();
    expect(t.queue.items[0]?.state).toBe('sent');
  });

  it('sends files one after the other, in the order chosen', async () => {
    const t = setup();
    t.server.answers.push(answer('f1', 'a.pdf'), answer('f2', 'b.pdf'));
    await t.queue.enqueue({ ...pdf('a.pdf'), scope: 'library' });
    await t.queue.enqueue({ ...pdf('b.pdf'), scope: 'library' });
    await t.queue.idle();
    expect(t.server.requests.map((r) => r.name)).toEqual(['a.pdf', 'b.pdf']);
    expect(t.queue.items.map((i) => i.result?.fileId)).toEqual(['f1', 'f2']);
  });

  it('after a reload, sends what was left and keeps the result listed until attached', async () => {
    const store = new MemoryStore();
    const before = setup({ online: false, store });
    await before.queue.enqueue({ ...pdf(), scope: 'step:s1', accompanimentId: 'a1', owner: 'form-1' });
    before.queue.dispose();

    // The page is reloaded: no form owns the file any more.
    const after = setup({ store });
    after.server.answers.push(answer('f1'));
    await after.queue.start();
    await after.queue.idle();
    const [item] = after.queue.items;
    expect(item).toMatchObject({
      state: 'sent',
      owner: null,
      delivered: false,
      scope: 'step:s1',
      accompanimentId: 'a1',
      result: { fileId: 'f1' },
    });
    // Still stored (without the file), so that a second reload still lists it.
    expect(store.records.get('u1')).toMatchObject({ state: 'sent', blob: null, result: { fileId: 'f1' } });

    const received: UploadedFile[] = [];
    expect(after.queue.deliver('u1', (file) => received.push(file))).toEqual(received[0]);
    expect(received).toHaveLength(1);
    expect(after.queue.items[0]?.delivered).toBe(true);
    expect(store.records.size).toBe(0);
  });

  it('queues again a file whose send was interrupted by a reload', async () => {
    const store = new MemoryStore();
    await store.put({
      id: 'u9',
      name: 'cv.pdf',
      size: 8,
      type: 'application/pdf',
      state: 'sending',
      scope: 'library',
      accompanimentId: null,
      owner: 'gone',
      attempts: 0,
      error: null,
      retryAt: null,
      result: null,
      delivered: false,
      createdAt: 1,
      progress: null,
      blob: new Blob(['x']),
    });
    const t = setup({ store, online: false });
    await t.queue.start();
    expect(t.queue.items[0]).toMatchObject({ id: 'u9', state: 'queued', owner: null });
  });

  it('does not hand a result to a form that left; it waits for the person to attach it', async () => {
    const t = setup();
    const received: UploadedFile[] = [];
    const unbind = t.queue.bind('form-1', (file) => received.push(file));
    t.server.answers.push(answer('f1'));
    unbind();
    await t.queue.enqueue({ ...pdf(), scope: 'library', owner: 'form-1' });
    await t.queue.idle();
    expect(received).toHaveLength(0);
    expect(t.queue.items[0]).toMatchObject({ state: 'sent', delivered: false });
    // The same form coming back gets it.
    t.queue.bind('form-1', (file) => received.push(file));
    expect(received.map((f) => f.fileId)).toEqual(['f1']);
  });

  it('forgets a dismissed file, in memory and in storage', async () => {
    const t = setup({ online: false });
    await t.queue.enqueue({ ...pdf(), scope: 'library' });
    t.queue.dismiss('u1');
    await t.queue.idle();
    expect(t.queue.items).toEqual([]);
    expect(t.store.records.size).toBe(0);
  });

  it('forgets everything on reset, and ignores an answer that comes after', async () => {
    const t = setup();
    let release: (outcome: SendOutcome) => void = () => {};
    const pending = new Promise<SendOutcome>((resolve) => (release = resolve));
    const queue = new UploadQueue({
      store: t.store,
      send: () => pending,
      isOnline: () => true,
    });
    await queue.enqueue({ ...pdf(), scope: 'library' });
    expect(queue.items[0]?.state).toBe('sending');
    queue.reset();
    release(answer('f1'));
    await queue.idle();
    expect(queue.items).toEqual([]);
    queue.dispose();
  });
});

describe('defaultBackoff', () => {
  it('doubles from 2 s and stops at one minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(defaultBackoff)).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });
});
