import {
  GENESIS_HASH,
  chainHash,
  type AttendanceFields,
  type AttendanceMethod,
  type ChainedRecord,
  type HalfDay,
} from '../scheduling/chain.ts';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

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

const INSERT = `
  INSERT INTO attendance (accompaniment_id, seq, appointment_id, user_id, role, half_day, method, signature,
                          device_at, received_at, corrects_seq, reason, prev_hash, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The attendance sheet (SCHED8): append-only (triggers refuse UPDATE and DELETE), numbered and hash-chained
 * per accompaniment. The next number and the previous hash are read and the row written in one transaction
 * (`BEGIN IMMEDIATE` on SQLite, SERIALIZABLE and retried on PostgreSQL), so two signatures arriving together
 * cannot take the same place.
 */
export class AttendanceLog {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /**
   * Appends a record at the end of its accompaniment's chain. A signature (not a correction) is refused as
   * 'already-signed' when that person already signed that half-day of that appointment.
   */
  async append(input: NewAttendance): Promise<ChainedRecord | 'already-signed'> {
    return this.#sql.transaction(async () => {
      if (input.correctsSeq === null) {
        const signed = await this.#sql.get(
          `SELECT 1 AS one FROM attendance
            WHERE appointment_id = ? AND user_id = ? AND half_day = ? AND corrects_seq IS NULL`,
          input.appointmentId,
          input.userId,
          input.halfDay,
        );
        if (signed) return 'already-signed';
      }
      const last = await this.#sql.get(
        'SELECT seq, hash FROM attendance WHERE accompaniment_id = ? ORDER BY seq DESC LIMIT 1',
        input.accompanimentId,
      );
      const seq = last ? int(last, 'seq') + 1 : 1;
      const prevHash = last ? text(last, 'hash') : GENESIS_HASH;
      const fields: AttendanceFields = { ...input, seq };
      const hash = chainHash(prevHash, fields);
      await this.#sql.run(
        INSERT,
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

  async listForAccompaniment(accompanimentId: string): Promise<AttendanceRecord[]> {
    return (
      await this.#sql.all(`${SELECT} WHERE t.accompaniment_id = ? ORDER BY t.seq`, accompanimentId)
    ).map(toRecord);
  }

  async listForAppointment(appointmentId: string): Promise<AttendanceRecord[]> {
    return (await this.#sql.all(`${SELECT} WHERE t.appointment_id = ? ORDER BY t.seq`, appointmentId)).map(
      toRecord,
    );
  }

  async find(accompanimentId: string, seq: number): Promise<AttendanceRecord | null> {
    const row = await this.#sql.get(
      `${SELECT} WHERE t.accompaniment_id = ? AND t.seq = ?`,
      accompanimentId,
      seq,
    );
    return row ? toRecord(row) : null;
  }
}
