import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  GENESIS_HASH,
  chainHash,
  type AttendanceFields,
  type AttendanceMethod,
  type ChainedRecord,
  type HalfDay,
} from '../scheduling/chain.ts';
import { transaction } from './db.ts';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';

export interface AttendanceRecord extends ChainedRecord {
  name: string;
}

export type NewAttendance = Omit<AttendanceFields, 'seq'>;

const SELECT = `
  SELECT t.accompaniment_id, t.seq, t.appointment_id, t.user_id, t.role, t.half_day, t.method, t.signature,
         t.device_at, t.received_at, t.corrects_seq, t.reason, t.prev_hash, t.hash, u.name
    FROM attendance t JOIN users u ON u.id = t.user_id`;

function toRecord(row: Row): AttendanceRecord {
  return {
    accompanimentId: text(row, 'accompaniment_id'),
    seq: int(row, 'seq'),
    appointmentId: text(row, 'appointment_id'),
    userId: text(row, 'user_id'),
    name: text(row, 'name'),
    role: text(row, 'role') === 'coach' ? 'coach' : 'learner',
    halfDay: text(row, 'half_day') as HalfDay,
    method: text(row, 'method') as AttendanceMethod,
    signature: textOrNull(row, 'signature'),
    deviceAt: int(row, 'device_at'),
    receivedAt: int(row, 'received_at'),
    correctsSeq: intOrNull(row, 'corrects_seq'),
    reason: textOrNull(row, 'reason'),
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
}

/**
 * The attendance sheet (SCHED8): append-only (triggers refuse UPDATE and DELETE), numbered and hash-chained
 * per accompaniment. The next number and the previous hash are read and the row written in one
 * `BEGIN IMMEDIATE` transaction, so two signatures arriving together cannot take the same place.
 */
export class AttendanceLog {
  readonly #db: DatabaseSync;
  readonly #last: StatementSync;
  readonly #insert: StatementSync;
  readonly #signed: StatementSync;
  readonly #forAccompaniment: StatementSync;
  readonly #forAppointment: StatementSync;
  readonly #find: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#last = db.prepare(
      'SELECT seq, hash FROM attendance WHERE accompaniment_id = ? ORDER BY seq DESC LIMIT 1',
    );
    this.#insert = db.prepare(
      `INSERT INTO attendance (accompaniment_id, seq, appointment_id, user_id, role, half_day, method, signature,
                               device_at, received_at, corrects_seq, reason, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#signed = db.prepare(
      `SELECT 1 AS one FROM attendance
        WHERE appointment_id = ? AND user_id = ? AND half_day = ? AND corrects_seq IS NULL`,
    );
    this.#forAccompaniment = db.prepare(`${SELECT} WHERE t.accompaniment_id = ? ORDER BY t.seq`);
    this.#forAppointment = db.prepare(`${SELECT} WHERE t.appointment_id = ? ORDER BY t.seq`);
    this.#find = db.prepare(`${SELECT} WHERE t.accompaniment_id = ? AND t.seq = ?`);
  }

  /**
   * Appends a record at the end of its accompaniment's chain. A signature (not a correction) is refused as
   * 'already-signed' when that person already signed that half-day of that appointment.
   */
  append(input: NewAttendance): ChainedRecord | 'already-signed' {
    return transaction(this.#db, () => {
      if (input.correctsSeq === null && this.#signed.get(input.appointmentId, input.userId, input.halfDay))
        return 'already-signed';
      const last = this.#last.get(input.accompanimentId);
      const seq = last ? int(last, 'seq') + 1 : 1;
      const prevHash = last ? text(last, 'hash') : GENESIS_HASH;
      const fields: AttendanceFields = { ...input, seq };
      const hash = chainHash(prevHash, fields);
      this.#insert.run(
        fields.accompanimentId,
        seq,
        fields.appointmentId,
        fields.userId,
        fields.role,
        fields.halfDay,
        fields.method,
        fields.signature,
        fields.deviceAt,
        fields.receivedAt,
        fields.correctsSeq,
        fields.reason,
        prevHash,
        hash,
      );
      return { ...fields, prevHash, hash };
    });
  }

  listForAccompaniment(accompanimentId: string): AttendanceRecord[] {
    return this.#forAccompaniment.all(accompanimentId).map(toRecord);
  }

  listForAppointment(appointmentId: string): AttendanceRecord[] {
    return this.#forAppointment.all(appointmentId).map(toRecord);
  }

  find(accompanimentId: string, seq: number): AttendanceRecord | null {
    const row = this.#find.get(accompanimentId, seq);
    return row ? toRecord(row) : null;
  }
}
