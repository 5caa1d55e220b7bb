// Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
// Never edit a shipped migration: append a new one.
export const MIGRATIONS: readonly string[] = [
  // 1 — foundation: accounts, sessions, accompaniments, invitations, document update log.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('coach', 'learner')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE INDEX sessions_expiry ON sessions(expires_at);

  CREATE TABLE accompaniments (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    hours_budget REAL NOT NULL,
    coach_id TEXT NOT NULL REFERENCES users(id),
    learner_id TEXT REFERENCES users(id),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX accompaniments_coach ON accompaniments(coach_id, created_at);
  CREATE INDEX accompaniments_learner ON accompaniments(learner_id, created_at);

  CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by TEXT REFERENCES users(id),
    revoked_at INTEGER
  );
  CREATE INDEX invitations_accompaniment ON invitations(accompaniment_id);

  CREATE TABLE doc_updates (
    id INTEGER PRIMARY KEY,
    doc_name TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX doc_updates_doc ON doc_updates(doc_name, id);
  `,
];
