// The attendance sheet is evidence (funders and auditors ask for it): every record is chained to the one
// before it by a SHA-256 over the previous hash and a canonical serialisation of the record, so that a row
// changed or removed afterwards — even directly in the database — breaks the chain at that record (SCHED8).
import { createHash } from 'node:crypto';

export type HalfDay = 'am' | 'pm';
export type AttendanceMethod = 'drawn' | 'confirmed';

/** What the chain covers: every field of an attendance record except its own hashes. */
export interface AttendanceFields {
  accompanimentId: string;
  seq: number;
  appointmentId: string;
  userId: string;
  role: 'coach' | 'learner';
  halfDay: HalfDay;
  method: AttendanceMethod;
  signature: string | null;
  deviceAt: number;
  receivedAt: number;
  correctsSeq: number | null;
  reason: string | null;
}

export interface ChainedRecord extends AttendanceFields {
  prevHash: string;
  hash: string;
}

/** The previous hash of an accompaniment's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One fixed layout, independent of object key order and of JSON number formatting quirks (integers only):
 * a versioned JSON array. Changing it would break every stored chain, hence the version in front.
 */
export function canonicalRecord(r: AttendanceFields): string {
  return JSON.stringify([
    'compagnon-attendance-v1',
    r.accompanimentId,
    r.seq,
    r.appointmentId,
    r.userId,
    r.role,
    r.halfDay,
    r.method,
    r.signature,
    r.deviceAt,
    r.receivedAt,
    r.correctsSeq,
    r.reason,
  ]);
}

export function chainHash(prevHash: string, record: AttendanceFields): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalRecord(record)}`, 'utf8')
    .digest('hex');
}

export interface ChainVerification {
  ok: boolean;
  records: number;
  /** The first record that does not match (changed, out of place, or following a removed one). */
  brokenAtSeq?: number;
  /** The hash of the last record: printed on the sheet, it anchors the whole chain. */
  head: string;
}

/** Checks an accompaniment's records, in seq order: numbering without gaps, links and hashes. */
export function verifyChain(records: readonly ChainedRecord[]): ChainVerification {
  let prev = GENESIS_HASH;
  for (const [i, r] of records.entries()) {
    if (r.seq !== i + 1 || r.prevHash !== prev || chainHash(prev, r) !== r.hash)
      return { ok: false, records: records.length, brokenAtSeq: r.seq !== i + 1 ? i + 1 : r.seq, head: prev };
    prev = r.hash;
  }
  return { ok: true, records: records.length, head: prev };
}
