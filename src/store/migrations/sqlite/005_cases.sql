-- One submission (一次申请) of a merged form for a theme.
CREATE TABLE applications (
  id              TEXT PRIMARY KEY,
  client_id       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_digest  TEXT NOT NULL,          -- hex SHA-256 of the request body: same key + other body = 422
  response        TEXT NOT NULL,          -- the first answer, returned again for a retried submission
  theme_code      TEXT NOT NULL,
  answers         TEXT NOT NULL,
  form            TEXT NOT NULL,          -- the merged form (canonical fields)
  provenance      TEXT NOT NULL,          -- canonical field → licence or user
  status          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (client_id, idempotency_key)
);

-- One sub-application (子件) per matter, routed to its department.
CREATE TABLE sub_applications (
  id                TEXT PRIMARY KEY,
  application_id    TEXT NOT NULL REFERENCES applications (id),
  matter_code       TEXT NOT NULL,
  matter_name       TEXT NOT NULL,
  department_code   TEXT NOT NULL,
  position          INTEGER NOT NULL,
  prerequisites     TEXT NOT NULL,        -- JSON array of matter codes (前置事项)
  result_as         TEXT,                 -- canonical field the prerequisite's result fills
  result_field      TEXT,                 -- the department form field it lands in
  form              TEXT NOT NULL,        -- the department's form (its field codes)
  provenance        TEXT NOT NULL,
  status            TEXT NOT NULL,        -- waiting | queued | delivered | accepted | rejected | completed | failed
  acceptance_number TEXT,
  receipt           TEXT,
  results           TEXT,
  reason            TEXT,
  statutory_days    INTEGER NOT NULL,
  promised_days     INTEGER NOT NULL,
  accepted_at       INTEGER,
  due_date          TEXT,
  due_status        TEXT,                 -- computed | uncovered
  completed_at      INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX sub_applications_application ON sub_applications (application_id);
CREATE INDEX sub_applications_department_status ON sub_applications (department_code, status);

-- The transactional outbox: one delivery per sub-application, claimed by dispatchers.
CREATE TABLE deliveries (
  id                TEXT PRIMARY KEY,
  sub_application_id TEXT NOT NULL UNIQUE REFERENCES sub_applications (id),
  department_code   TEXT NOT NULL,
  channel           TEXT NOT NULL,        -- rest | soap | inbox
  idempotency_key   TEXT NOT NULL UNIQUE, -- stable across retries
  state             TEXT NOT NULL,        -- waiting | pending | in_flight | delivered | dead
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at   INTEGER NOT NULL,
  lease_owner       TEXT,
  lease_expires_at  INTEGER,
  last_error        TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_department_state ON deliveries (department_code, state);

-- Every delivery attempt, for ops.
CREATE TABLE delivery_attempts (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL REFERENCES deliveries (id),
  attempt     INTEGER NOT NULL,
  started_at  INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  outcome     TEXT NOT NULL,              -- delivered | retry | dead
  error_code  TEXT,
  error       TEXT
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);

-- Department status/result events, de-duplicated by (department, event id).
CREATE TABLE department_events (
  department_code    TEXT NOT NULL,
  event_id           TEXT NOT NULL,
  sub_application_id TEXT NOT NULL,
  type               TEXT NOT NULL,
  payload            TEXT NOT NULL,
  received_at        INTEGER NOT NULL,
  PRIMARY KEY (department_code, event_id)
);

-- What ops did (replays, …): append-only.
CREATE TABLE ops_audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  details   TEXT NOT NULL,
  at        INTEGER NOT NULL
);

-- Result documents departments returned, as sealed through the e-seal platform.
CREATE TABLE result_documents (
  id                 TEXT PRIMARY KEY,
  sub_application_id TEXT NOT NULL REFERENCES sub_applications (id),
  name               TEXT NOT NULL,
  pdf                BLOB NOT NULL,
  seal_id            TEXT,
  created_at         INTEGER NOT NULL
);
