-- 好差评 (issue #19): applicants' evaluations, their push to the provincial
-- 好差评 system, and the follow-up (整改回访) of every poor one. See docs/evaluations.md.

-- One evaluation per matter of an application and one for the whole 一件事 (一事一评).
CREATE TABLE evaluations (
  id                 TEXT PRIMARY KEY,
  application_id     TEXT NOT NULL REFERENCES applications (id),
  sub_application_id TEXT REFERENCES sub_applications (id),  -- NULL for the whole 一件事
  matter_code        TEXT,                                     -- NULL for the whole 一件事
  theme_code         TEXT NOT NULL,
  department_code    TEXT,                                     -- the matter's department; NULL for the whole 一件事
  scope              TEXT NOT NULL CHECK (scope IN ('matter', 'theme')),
  service_code       TEXT NOT NULL,                            -- matter code or theme code: what is rated
  level              INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  indicators         TEXT NOT NULL,                            -- JSON array of indicator codes
  comment            TEXT NOT NULL,
  channel            TEXT NOT NULL,
  actor              TEXT NOT NULL,                            -- JSON: who rated (the verified identity)
  client_id          TEXT NOT NULL,                            -- the platform through which they rated
  province_id        TEXT,                                     -- the province's 评价编号, once pushed
  pushed_at          INTEGER,
  created_at         INTEGER NOT NULL,
  UNIQUE (application_id, scope, service_code)
);
CREATE INDEX evaluations_created ON evaluations (created_at);

-- The push outbox: the evaluation (position 0) and each follow-up step (1–4),
-- sent in position order per evaluation, retried, dead letters replayable.
CREATE TABLE evaluation_pushes (
  id               TEXT PRIMARY KEY,
  evaluation_id    TEXT NOT NULL REFERENCES evaluations (id),
  position         INTEGER NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('evaluation', 'rectification')),
  payload          TEXT NOT NULL,                              -- JSON: the step {status, handler, note, at}; {} for the evaluation
  state            TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  last_error       TEXT,
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (evaluation_id, position)
);
CREATE INDEX evaluation_pushes_due ON evaluation_pushes (state, next_attempt_at);
CREATE INDEX evaluation_pushes_state_updated ON evaluation_pushes (state, updated_at, id);
CREATE INDEX evaluation_pushes_updated ON evaluation_pushes (updated_at, id);

-- 差评整改回访: open → assigned → rectified → revisited → closed.
CREATE TABLE evaluation_follow_ups (
  id                 TEXT PRIMARY KEY,
  evaluation_id      TEXT NOT NULL UNIQUE REFERENCES evaluations (id),
  application_id     TEXT NOT NULL REFERENCES applications (id),
  department_code    TEXT,
  state              TEXT NOT NULL CHECK (state IN ('open', 'assigned', 'rectified', 'revisited', 'closed')),
  assignee           TEXT,
  notes              TEXT NOT NULL,                            -- JSON array of {state, note, by, at}
  due_at             INTEGER NOT NULL,                         -- Unix ms: the end of the follow-up period
  overdue_alerted_at INTEGER,
  assigned_at        INTEGER,
  rectified_at       INTEGER,
  revisited_at       INTEGER,
  closed_at          INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX evaluation_follow_ups_state ON evaluation_follow_ups (state, created_at, id);
CREATE INDEX evaluation_follow_ups_list ON evaluation_follow_ups (created_at, id);
CREATE INDEX evaluation_follow_ups_due ON evaluation_follow_ups (due_at) WHERE state <> 'closed' AND overdue_alerted_at IS NULL;
