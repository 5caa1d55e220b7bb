import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../api/errors.ts';
import { enqueue, flushQueue, localQueueStore, queueKey, type QueueStore } from './attendance-queue.ts';
import type { AttendanceInput } from './types.ts';
import { MemoryStorage } from '../test-support/memory-storage.ts';

const input = (deviceAt: string): AttendanceInput => ({ method: 'confirmed', deviceAt });

function store(): { storage: MemoryStorage; queue: QueueStore } {
  const storage = new MemoryStorage();
  return { storage, queue: localQueueStore('user-1', storage) };
}

describe('signatures waiting for the connection', () => {
  it('survive a reload under the compagnon: prefix, per person', () => {
    const { storage, queue } = store();
    enqueue(queue, 'appt-1', input('2026-01-13T14:00:00.000Z'), 1000);
    expect(queueKey('user-1')).toBe('compagnon:attendance-queue:user-1');
    const again = localQueueStore('user-1', storage).read();
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ appointmentId: 'appt-1', queuedAt: 1000 });
    expect(localQueueStore('user-2', storage).read()).toEqual([]);
  });

  it('ignores unreadable storage', () => {
    const { storage, queue } = store();
    storage.setItem(queueKey('user-1'), '{not json');
    expect(queue.read()).toEqual([]);
    storage.setItem(queueKey('user-1'), JSON.stringify([{ nope: true }]));
    expect(queue.read()).toEqual([]);
  });

  it('are sent in order with their device time; a network failure keeps the rest for later', async () => {
    const { storage, queue } = store();
    enqueue(queue, 'a', input('t1'));
    enqueue(queue, 'b', input('t2'));
    enqueue(queue, 'c', input('t3'));
    const sent: string[] = [];
    const first = await flushQueue(queue, async (item) => {
      if (item.appointmentId === 'b') throw new NetworkError('hors ligne');
      sent.push(`${item.appointmentId}@${item.input.deviceAt}`);
    });
    expect(sent).toEqual(['a@t1']);
    expect(first.waiting.map((i) => i.appointmentId)).toEqual(['b', 'c']);
    expect(queue.read().map((i) => i.appointmentId)).toEqual(['b', 'c']);

    const second = await flushQueue(queue, async (item) => {
      sent.push(`${item.appointmentId}@${item.input.deviceAt}`);
    });
    expect(second.sent).toHaveLength(2);
    expect(sent).toEqual(['a@t1', 'b@t2', 'c@t3']);
    expect(storage.getItem(queueKey('user-1'))).toBeNull();
  });

  it('treat "already signed" (409) as done and drop other refusals with their message', async () => {
    const { queue } = store();
    enqueue(queue, 'signed', input('t1'));
    enqueue(queue, 'not-held', input('t2'));
    enqueue(queue, 'down', input('t3'));
    const result = await flushQueue(queue, async (item) => {
      if (item.appointmentId === 'signed') throw new ApiError(409, 'Déjà signé.');
      if (item.appointmentId === 'not-held')
        throw new ApiError(422, 'La séance n’est pas marquée comme tenue.');
      throw new ApiError(503, 'Serveur indisponible.');
    });
    expect(result.sent.map((i) => i.appointmentId)).toEqual(['signed']);
    expect(result.rejected).toEqual([
      {
        item: expect.objectContaining({ appointmentId: 'not-held' }),
        message: 'La séance n’est pas marquée comme tenue.',
      },
    ]);
    expect(queue.read().map((i) => i.appointmentId)).toEqual(['down']);
  });
});
