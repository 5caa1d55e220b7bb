import { intOrNull } from './rows.ts';
import type { Sql } from './sql.ts';

/** Days without a contribution after which a learner shows as inactive, unless the coach set otherwise. */
export const DEFAULT_INACTIVITY_DAYS = 10;
export const INACTIVITY_DAYS_MIN = 1;
export const INACTIVITY_DAYS_MAX = 90;

export interface UserSettingsValues {
  inactivityDays: number;
}

/** Per-user settings (today: the coach's inactivity threshold). */
export class UserSettings {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async get(userId: string): Promise<UserSettingsValues> {
    const row = await this.#sql.get('SELECT inactivity_days FROM user_settings WHERE user_id = ?', userId);
    return { inactivityDays: (row && intOrNull(row, 'inactivity_days')) ?? DEFAULT_INACTIVITY_DAYS };
  }

  async put(userId: string, values: UserSettingsValues): Promise<void> {
    await this.#sql.run(
      `INSERT INTO user_settings (user_id, inactivity_days) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET inactivity_days = excluded.inactivity_days`,
      userId,
      values.inactivityDays,
    );
  }
}
