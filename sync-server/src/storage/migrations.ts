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
  // 2 — flexible pathways: per-accompaniment projections of the shared document (progress, adaptations,
  // learner activity), the adaptation timeline with authenticated authors, coach settings, files, library.
  `
  ALTER TABLE accompaniments ADD COLUMN progress TEXT;
  ALTER TABLE accompaniments ADD COLUMN adaptations_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE accompaniments ADD COLUMN last_learner_activity_at INTEGER;
  ALTER TABLE accompaniments ADD COLUMN learner_joined_at INTEGER;
  UPDATE accompaniments
     SET learner_joined_at = (SELECT u.created_at FROM users u WHERE u.id = accompaniments.learner_id)
   WHERE learner_id IS NOT NULL;

  CREATE TABLE adaptations (
    id TEXT NOT NULL,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    by_user_id TEXT REFERENCES users(id),
    declared_by TEXT,
    kind TEXT NOT NULL,
    step_id TEXT NOT NULL,
    step_title TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (accompaniment_id, id)
  );
  CREATE INDEX adaptations_timeline ON adaptations(accompaniment_id, at, received_at);

  CREATE TABLE user_settings (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    inactivity_days INTEGER NOT NULL
  );

  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    uploader_id TEXT NOT NULL REFERENCES users(id),
    accompaniment_id TEXT REFERENCES accompaniments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX files_uploader ON files(uploader_id);
  CREATE INDEX files_accompaniment ON files(accompaniment_id);

  CREATE TABLE library_items (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('resource', 'step')),
    title TEXT NOT NULL,
    resource_kind TEXT,
    body TEXT,
    url TEXT,
    file_id TEXT REFERENCES files(id),
    expected_kind TEXT,
    expected_prompt TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX library_owner ON library_items(owner_id, updated_at);
  `,
  // 3 — organisations: every coach belongs to one (their own "Structure de <nom>" until invited into
  // another), coach invitations into an organisation, library items shared with the organisation.
  `
  CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE memberships (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('manager', 'coach')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
  );
  CREATE INDEX memberships_user ON memberships(user_id);

  INSERT INTO organisations (id, name, created_at)
    SELECT 'org-' || id, 'Structure de ' || name, created_at FROM users WHERE role = 'coach';
  INSERT INTO memberships (organisation_id, user_id, role, created_at)
    SELECT 'org-' || id, id, 'manager', created_at FROM users WHERE role = 'coach';

  CREATE TABLE organisation_invitations (
    token_hash TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by TEXT REFERENCES users(id),
    revoked_at INTEGER
  );
  CREATE INDEX organisation_invitations_org ON organisation_invitations(organisation_id, email);

  ALTER TABLE library_items ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX library_shared ON library_items(shared, owner_id);
  `,
  // 4 — document de synthèse: the learner's validations, append-only, each bound to a hash of the text
  // validated (SYN3).
  `
  CREATE TABLE synthesis_validations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    validated_at INTEGER NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX synthesis_validations_acc ON synthesis_validations(accompaniment_id, id);
  CREATE TRIGGER synthesis_validations_no_update BEFORE UPDATE ON synthesis_validations
  BEGIN SELECT RAISE(ABORT, 'synthesis_validations is append-only'); END;
  `,
  // 5 — library documents reach a learner only as a copy in their pathway: the coach who inserts a step
  // carrying a library file grants that accompaniment read access to it, kept when the item is unshared or
  // deleted (FILE6).
  `
  CREATE TABLE file_grants (
    file_id TEXT NOT NULL REFERENCES files(id),
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    granted_at INTEGER NOT NULL,
    granted_by TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (file_id, accompaniment_id)
  );
  CREATE INDEX file_grants_accompaniment ON file_grants(accompaniment_id);
  `,
  // 6 — the message thread (MSG1–MSG6): the server's record of each message (never its text), who read the
  // thread up to when, and the e-mail notifications waiting for the next digest.
  `
  CREATE TABLE messages (
    id TEXT NOT NULL,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users(id),
    at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (accompaniment_id, id)
  );
  CREATE TABLE message_reads (
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_read_at INTEGER NOT NULL,
    PRIMARY KEY (accompaniment_id, user_id)
  );
  CREATE TABLE notification_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    message_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX notification_queue_recipient ON notification_queue(recipient_id, id);
  CREATE TABLE digest_sends (
    recipient_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_sent_at INTEGER NOT NULL
  );
  `,
];
