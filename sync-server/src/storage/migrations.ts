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
  // 7 — library exercises (LIB5): `kind` gains 'exercise', whose definition is kept as JSON. SQLite cannot
  // change a CHECK constraint in place: the table is rebuilt with its rows (no other table references it).
  `
  CREATE TABLE library_items_new (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('resource', 'step', 'exercise')),
    title TEXT NOT NULL,
    resource_kind TEXT,
    body TEXT,
    url TEXT,
    file_id TEXT REFERENCES files(id),
    expected_kind TEXT,
    expected_prompt TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    shared INTEGER NOT NULL DEFAULT 0,
    exercise TEXT CHECK (exercise IS NULL OR json_valid(exercise))
  );
  INSERT INTO library_items_new (id, owner_id, kind, title, resource_kind, body, url, file_id, expected_kind,
                                 expected_prompt, created_at, updated_at, shared)
    SELECT id, owner_id, kind, title, resource_kind, body, url, file_id, expected_kind, expected_prompt,
           created_at, updated_at, shared
      FROM library_items;
  DROP TABLE library_items;
  ALTER TABLE library_items_new RENAME TO library_items;
  CREATE INDEX library_owner ON library_items(owner_id, updated_at);
  CREATE INDEX library_shared ON library_items(shared, owner_id);
  `,
  // 8 — workshops (WS1–WS7): a coach's group workshop, its participants (learners of the coach's
  // accompaniments), and the poll votes, kept here rather than in the shared document so that nobody can
  // read who voted what (WS6).
  `
  CREATE TABLE workshops (
    id TEXT PRIMARY KEY,
    coach_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX workshops_coach ON workshops(coach_id, created_at);
  CREATE TABLE workshop_participants (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    accompaniment_id TEXT REFERENCES accompaniments(id) ON DELETE SET NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (workshop_id, user_id)
  );
  CREATE INDEX workshop_participants_user ON workshop_participants(user_id);
  CREATE TABLE workshop_votes (
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    poll_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    option_id TEXT NOT NULL,
    PRIMARY KEY (workshop_id, poll_id, user_id)
  );
  `,
  // 9 — consent before the synthesis goes to a third party (SYN6–SYN9): the learner's consents, bound to
  // the hash of the validated text and revoked by setting `revoked_at` once (nothing else ever changes), and
  // every send of the PDF (who, when, to whom).
  `
  CREATE TABLE synthesis_consents (
    id TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    learner_id TEXT NOT NULL REFERENCES users(id),
    recipient_name TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    purpose TEXT NOT NULL,
    consented_at INTEGER NOT NULL,
    hash TEXT NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX synthesis_consents_acc ON synthesis_consents(accompaniment_id, consented_at);
  CREATE TRIGGER synthesis_consents_revoke_only BEFORE UPDATE ON synthesis_consents
  WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
    OR NEW.id IS NOT OLD.id OR NEW.accompaniment_id IS NOT OLD.accompaniment_id
    OR NEW.learner_id IS NOT OLD.learner_id OR NEW.recipient_name IS NOT OLD.recipient_name
    OR NEW.recipient_email IS NOT OLD.recipient_email OR NEW.purpose IS NOT OLD.purpose
    OR NEW.consented_at IS NOT OLD.consented_at OR NEW.hash IS NOT OLD.hash
  BEGIN SELECT RAISE(ABORT, 'synthesis_consents is append-only: only a revocation may be recorded'); END;
  CREATE TABLE synthesis_sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consent_id TEXT NOT NULL REFERENCES synthesis_consents(id) ON DELETE CASCADE,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    sent_by TEXT NOT NULL REFERENCES users(id),
    sent_at INTEGER NOT NULL,
    recipient_email TEXT NOT NULL,
    hash TEXT NOT NULL,
    delivered INTEGER NOT NULL CHECK (delivered IN (0, 1))
  );
  CREATE INDEX synthesis_sends_acc ON synthesis_sends(accompaniment_id, id);
  CREATE TRIGGER synthesis_sends_no_update BEFORE UPDATE ON synthesis_sends
  BEGIN SELECT RAISE(ABORT, 'synthesis_sends is append-only'); END;
  `,
  // 10 — scheduling (SCHED1–SCHED12): each coach's availability, appointments with their history of changes
  // (kept with their reason), video call presence, reminders sent, the learner's personal time, private
  // calendar feed tokens, and the attendance sheet: append-only and hash-chained per accompaniment (SCHED8).
  `
  CREATE TABLE availabilities (
    coach_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    time_zone TEXT NOT NULL,
    weekly TEXT NOT NULL CHECK (json_valid(weekly)),
    exceptions TEXT NOT NULL CHECK (json_valid(exceptions)),
    reminder_hours INTEGER NOT NULL CHECK (reminder_hours BETWEEN 0 AND 168),
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    coach_id TEXT NOT NULL REFERENCES users(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL CHECK (end_at > start_at),
    duration_minutes INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('video', 'onsite', 'phone')),
    status TEXT NOT NULL CHECK (status IN ('booked', 'held', 'cancelled')),
    cancel_reason TEXT,
    counted_minutes INTEGER,
    phase TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX appointments_coach ON appointments(coach_id, start_at);
  CREATE INDEX appointments_accompaniment ON appointments(accompaniment_id, start_at);
  CREATE INDEX appointments_upcoming ON appointments(status, start_at);
  CREATE TABLE appointment_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('booked', 'moved', 'cancelled', 'held', 'duration')),
    by_user_id TEXT NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    reason TEXT,
    from_start INTEGER,
    to_start INTEGER,
    minutes INTEGER,
    previous_minutes INTEGER
  );
  CREATE INDEX appointment_changes_appointment ON appointment_changes(appointment_id, id);
  CREATE TRIGGER appointment_changes_no_update BEFORE UPDATE ON appointment_changes
  BEGIN SELECT RAISE(ABORT, 'appointment_changes is append-only'); END;
  CREATE TABLE appointment_reminders (
    appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (appointment_id, user_id, start_at)
  );
  CREATE TABLE call_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    joined_at INTEGER NOT NULL,
    left_at INTEGER
  );
  CREATE INDEX call_log_appointment ON call_log(appointment_id, id);
  CREATE TABLE personal_time (
    id TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    date TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    note TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX personal_time_accompaniment ON personal_time(accompaniment_id, date);
  CREATE TABLE calendar_feeds (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE attendance (
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id),
    seq INTEGER NOT NULL CHECK (seq > 0),
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('coach', 'learner')),
    half_day TEXT NOT NULL CHECK (half_day IN ('am', 'pm')),
    method TEXT NOT NULL CHECK (method IN ('drawn', 'confirmed')),
    signature TEXT,
    device_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    corrects_seq INTEGER,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (accompaniment_id, seq)
  );
  CREATE UNIQUE INDEX attendance_once ON attendance(appointment_id, user_id, half_day) WHERE corrects_seq IS NULL;
  CREATE INDEX attendance_appointment ON attendance(appointment_id, seq);
  CREATE TRIGGER attendance_no_update BEFORE UPDATE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance is append-only'); END;
  CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance
  BEGIN SELECT RAISE(ABORT, 'attendance is append-only'); END;
  `,
  // 11 — reporting (REPORT1–REPORT6): administrative facts of an accompaniment (funder, contract dates,
  // status; `outcome` keeps completed/abandoned once it is closed), co-referents sharing the coach's access,
  // and the indexes the caseload and organisation reports read.
  `
  ALTER TABLE accompaniments ADD COLUMN funder TEXT
    CHECK (funder IS NULL OR funder IN ('cpf', 'employer', 'france_travail', 'opco', 'region', 'personal', 'other'));
  ALTER TABLE accompaniments ADD COLUMN start_date TEXT;
  ALTER TABLE accompaniments ADD COLUMN end_date TEXT;
  ALTER TABLE accompaniments ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'completed', 'abandoned', 'closed'));
  ALTER TABLE accompaniments ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('completed', 'abandoned'));
  ALTER TABLE accompaniments ADD COLUMN ended_at INTEGER;
  ALTER TABLE accompaniments ADD COLUMN end_reason TEXT;

  CREATE TABLE co_referents (
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    coach_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by TEXT NOT NULL REFERENCES users(id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (accompaniment_id, coach_id)
  );
  CREATE INDEX co_referents_coach ON co_referents(coach_id, accompaniment_id);

  CREATE INDEX appointments_held ON appointments(accompaniment_id, start_at, counted_minutes) WHERE status = 'held';
  CREATE INDEX appointments_booked ON appointments(accompaniment_id, start_at) WHERE status = 'booked';
  `,
  // 12 — satisfaction surveys (SURVEY1–SURVEY7, Qualiopi indicator 30): one survey of each kind per
  // accompaniment, sent to its learner, e-mailed then reminded at most twice; one answer each, kept apart and
  // never updated. The answers are JSON so that a later version of the questionnaire keeps the earlier ones.
  `
  CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id) ON DELETE CASCADE,
    learner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('end', 'follow-up')),
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    sent_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    mailed_at INTEGER,
    reminders INTEGER NOT NULL DEFAULT 0 CHECK (reminders BETWEEN 0 AND 2),
    last_reminder_at INTEGER,
    answered_at INTEGER,
    UNIQUE (accompaniment_id, kind)
  );
  CREATE INDEX surveys_learner ON surveys(learner_id, answered_at);
  CREATE INDEX surveys_open ON surveys(answered_at, due_at);
  CREATE TABLE survey_answers (
    survey_id TEXT PRIMARY KEY REFERENCES surveys(id) ON DELETE CASCADE,
    questionnaire_version INTEGER NOT NULL,
    answers TEXT NOT NULL CHECK (json_valid(answers)),
    answered_at INTEGER NOT NULL
  );
  CREATE TRIGGER survey_answers_no_update BEFORE UPDATE ON survey_answers
  BEGIN SELECT RAISE(ABORT, 'survey_answers is append-only'); END;
  `,
  // 13 — evidence, audit, closing, RGPD (EVID, AUDIT, CLOSE, RGPD): the organisation's append-only audit log,
  // the closing of an accompaniment with the learner's written agreement and the proof of deletion, the
  // files kept for a year after it, and the account erasure requests with their grace period.
  `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id TEXT REFERENCES organisations(id),
    at INTEGER NOT NULL,
    actor_id TEXT REFERENCES users(id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT,
    summary TEXT NOT NULL
  );
  CREATE INDEX audit_log_organisation ON audit_log(organisation_id, at);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

  CREATE TABLE closings (
    accompaniment_id TEXT PRIMARY KEY REFERENCES accompaniments(id),
    requested_at INTEGER NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users(id),
    agreed_at INTEGER,
    agreed_by TEXT REFERENCES users(id),
    keep TEXT,
    agreement_text TEXT,
    locked_at INTEGER,
    closed_at INTEGER,
    closed_by TEXT REFERENCES users(id),
    proof TEXT,
    facts TEXT
  );
  CREATE TRIGGER closings_no_delete BEFORE DELETE ON closings
  BEGIN SELECT RAISE(ABORT, 'closings are kept'); END;
  CREATE TRIGGER closings_proof_final BEFORE UPDATE ON closings WHEN OLD.proof IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'a closing proof is final'); END;

  CREATE TABLE retained_files (
    file_id TEXT PRIMARY KEY,
    accompaniment_id TEXT NOT NULL REFERENCES accompaniments(id),
    kind TEXT NOT NULL CHECK (kind IN ('synthesis', 'exercises', 'files')),
    retain_until INTEGER NOT NULL,
    purged_at INTEGER
  );
  CREATE INDEX retained_files_due ON retained_files(retain_until) WHERE purged_at IS NULL;

  CREATE TABLE deletion_requests (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    requested_at INTEGER NOT NULL,
    scheduled_for INTEGER NOT NULL,
    cancelled_at INTEGER,
    completed_at INTEGER
  );
  `,
  // 14 — appointment types and group sessions (SCHED13–SCHED16): each coach's presets, and a workshop's
  // group session, whose row holds what the coach sees once (time, mode, place, status) while each
  // participant's accompaniment gets its own appointment pointing at it, so hours, attendance and feeds keep
  // working per accompaniment.
  `
  CREATE TABLE appointment_types (
    coach_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    types TEXT NOT NULL CHECK (json_valid(types)),
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE appointment_groups (
    id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    coach_id TEXT NOT NULL REFERENCES users(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL CHECK (end_at > start_at),
    duration_minutes INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('video', 'onsite', 'phone')),
    location TEXT,
    type_label TEXT,
    status TEXT NOT NULL CHECK (status IN ('booked', 'held', 'cancelled')),
    cancel_reason TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX appointment_groups_coach ON appointment_groups(coach_id, start_at);
  CREATE INDEX appointment_groups_workshop ON appointment_groups(workshop_id, start_at);
  ALTER TABLE appointments ADD COLUMN group_id TEXT REFERENCES appointment_groups(id) ON DELETE SET NULL;
  ALTER TABLE appointments ADD COLUMN type_label TEXT;
  CREATE INDEX appointments_group ON appointments(group_id) WHERE group_id IS NOT NULL;
  `,
];
