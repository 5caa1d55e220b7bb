import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { intOrNull } from './rows.ts';

/** Days without a contribution after which a learner shows as inactive, unless the coach set otherwise. */
export const DEFAULT_INACTIVITY_DAYS = 10;
export const INACTIVITY_DAYS_MIN = 1;
export const INACTIVITY_DAYS_MAX = 90;

export interface UserSettingsValues {
  inactivityDays: number;
}

/** Per-user settings (today: the coach's inactivity threshold). */
export class UserSettings {
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT inactivity_days FROM user_settings WHERE user_id = ?');
    this.#put = db.prepare(
      `INSERT INTO user_settings (user_id, inactivity_days) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET inactivity_days = excluded.inactivity_days`,
    );
  }

  get(userId: string): UserSettingsValues {
    const row = this.#get.get(userId);
    return { inactivityDays: (row && intOrNull(row, 'inactivity_days')) ?? DEFAULT_INACTIVITY_DAYS };
  }

  put(userId: string, values: UserSettingsValues): void {
    this.#put.run(userId, values.inactivityDays);
  }
}
