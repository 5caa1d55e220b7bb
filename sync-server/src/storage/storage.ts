import type { DatabaseSync } from 'node:sqlite';
import { Accompaniments } from './accompaniments.ts';
import { Adaptations } from './adaptations.ts';
import { Appointments } from './appointments.ts';
import { AuditLog } from './audit.ts';
import { AttendanceLog } from './attendance.ts';
import { Availabilities } from './availability.ts';
import { CalendarFeeds } from './calendar-feeds.ts';
import { CoReferents } from './co-referents.ts';
import { Closings, DeletionRequests, Retention } from './closing.ts';
import { migratePostgres, openDatabase, type OpenDatabaseOptions } from './db.ts';
import { DocUpdates } from './doc-updates.ts';
import { Files } from './files.ts';
import { Invitations, OrganisationInvitations } from './invitations.ts';
import { Library } from './library.ts';
import { Messages } from './messages.ts';
import { Organisations } from './organisations.ts';
import { PersonalTimes } from './personal-time.ts';
import { Reports } from './reports.ts';
import { openPostgresSql, type PostgresOptions } from './postgres-driver.ts';
import { Sessions } from './sessions.ts';
import type { Sql } from './sql.ts';
import { SqliteSql } from './sqlite-driver.ts';
import { Surveys } from './surveys.ts';
import { UserSettings } from './settings.ts';
import { SynthesisConsents, SynthesisValidations } from './synthesis.ts';
import { Users } from './users.ts';
import { Workshops } from './workshops.ts';

/**
 * Every table of the server behind one object, on SQLite (embedded default) or PostgreSQL (several
 * instances); every call returns a promise.
 */
export interface Storage {
  sql: Sql;
  /** The SQLite connection on the embedded backend (WAL checkpoints, secure delete); null on PostgreSQL. */
  sqlite: DatabaseSync | null;
  users: Users;
  sessions: Sessions;
  accompaniments: Accompaniments;
  invitations: Invitations;
  docs: DocUpdates;
  adaptations: Adaptations;
  settings: UserSettings;
  files: Files;
  library: Library;
  organisations: Organisations;
  organisationInvitations: OrganisationInvitations;
  synthesisValidations: SynthesisValidations;
  synthesisConsents: SynthesisConsents;
  messages: Messages;
  workshops: Workshops;
  availabilities: Availabilities;
  appointments: Appointments;
  attendance: AttendanceLog;
  personalTime: PersonalTimes;
  calendarFeeds: CalendarFeeds;
  coReferents: CoReferents;
  /** The reports' SQL over projections (REPORT3–REPORT5). */
  reports: Reports;
  surveys: Surveys;
  /** The organisations' append-only audit log (AUDIT). */
  audit: AuditLog;
  /** Closing of accompaniments, kept files and account erasure requests (CLOSE, RGPD). */
  closings: Closings;
  retention: Retention;
  deletionRequests: DeletionRequests;
  /** Runs `fn` in one committed transaction (nested calls join the outer one). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The embedded default: SQLite in a data folder, opened (and migrated) synchronously. */
export function openStorage(dataDir: string, options: OpenDatabaseOptions = {}): Storage {
  const db = openDatabase(dataDir, options);
  return storageOver(new SqliteSql(db), db);
}

/** PostgreSQL at `url` (postgres://…), migrated before use. */
export async function openPostgresStorage(url: string, options: PostgresOptions = {}): Promise<Storage> {
  const sql = await openPostgresSql(url, options);
  try {
    await migratePostgres(sql);
  } catch (error) {
    await sql.close();
    throw error;
  }
  return storageOver(sql, null);
}

function storageOver(db: Sql, sqlite: DatabaseSync | null): Storage {
  return {
    sql: db,
    sqlite,
    users: new Users(db),
    sessions: new Sessions(db),
    accompaniments: new Accompaniments(db),
    invitations: new Invitations(db),
    docs: new DocUpdates(db),
    adaptations: new Adaptations(db),
    settings: new UserSettings(db),
    files: new Files(db),
    library: new Library(db),
    organisations: new Organisations(db),
    organisationInvitations: new OrganisationInvitations(db),
    synthesisValidations: new SynthesisValidations(db),
    synthesisConsents: new SynthesisConsents(db),
    messages: new Messages(db),
    workshops: new Workshops(db),
    availabilities: new Availabilities(db),
    appointments: new Appointments(db),
    attendance: new AttendanceLog(db),
    personalTime: new PersonalTimes(db),
    calendarFeeds: new CalendarFeeds(db),
    coReferents: new CoReferents(db),
    reports: new Reports(db),
    surveys: new Surveys(db),
    audit: new AuditLog(db),
    closings: new Closings(db),
    retention: new Retention(db),
    deletionRequests: new DeletionRequests(db),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}
