-- How results reach the applicant (领证方式, issue #19) and the logistics it uses. See docs/result-delivery.md.

-- The choice made at submission, for an application that chose the window or the post (no row: online download).
CREATE TABLE result_deliveries (
  application_id TEXT PRIMARY KEY REFERENCES applications (id),
  method         TEXT NOT NULL CHECK (method IN ('window', 'post')),
  hall_code      TEXT,                   -- window: where to collect; post: the hall that posts the results (set when they are ready)
  address        TEXT,                   -- post: JSON {name, mobile, province, city, county, address, postcode?}
  status         TEXT NOT NULL,          -- awaiting_results | ready_for_collection | collected | posting | no_results
  ready_at       INTEGER,                -- when every sub-application had finished with a result
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
-- The posting worker's scan for applications whose results became ready.
CREATE INDEX result_deliveries_status ON result_deliveries (status, created_at);

-- Waybills: results posted to the applicant (direction result) and originals the applicant posts in (material).
-- Each is a durable job: the waybill is created by the posting worker (retries, leases), then tracked until its end.
CREATE TABLE postings (
  id               TEXT PRIMARY KEY,
  application_id   TEXT NOT NULL REFERENCES applications (id),
  direction        TEXT NOT NULL CHECK (direction IN ('result', 'material')),
  order_no         TEXT NOT NULL UNIQUE,   -- the carrier's idempotency key: a retried creation answers the same waybill
  hall_code        TEXT NOT NULL,
  sender           TEXT NOT NULL,          -- JSON address
  recipient        TEXT NOT NULL,          -- JSON address
  items            TEXT NOT NULL,          -- JSON [{name, count}]
  waybill_no       TEXT UNIQUE,
  status           TEXT NOT NULL,          -- waiting_for_logistics | creating | not_created | the waybill's status (created … delivered | failed | returned | cancelled)
  state            TEXT NOT NULL,          -- job: waiting | pending | in_flight | tracking | done | dead
  applied_sequence INTEGER NOT NULL DEFAULT 0, -- trace events applied (and notified) in order: 1 … this
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX postings_due ON postings (state, next_attempt_at);
CREATE INDEX postings_application ON postings (application_id, created_at);

-- Trace events of a waybill, pushed or pulled, de-duplicated by the carrier's event id.
CREATE TABLE posting_traces (
  posting_id  TEXT NOT NULL REFERENCES postings (id),
  event_id    TEXT NOT NULL,
  sequence    INTEGER NOT NULL,
  code        TEXT NOT NULL,
  time        TEXT NOT NULL,             -- as the carrier stated it (ISO 8601, +08:00)
  location    TEXT NOT NULL,
  description TEXT NOT NULL,
  signer      TEXT,
  reason      TEXT,
  source      TEXT NOT NULL,             -- push | pull
  received_at INTEGER NOT NULL,
  PRIMARY KEY (posting_id, event_id)
);
CREATE INDEX posting_traces_sequence ON posting_traces (posting_id, sequence);

-- Results handed over at the window (一窗出件): who collected, checked by which staff member, where and when.
CREATE TABLE result_handovers (
  application_id TEXT PRIMARY KEY REFERENCES applications (id),
  hall_code      TEXT NOT NULL,
  client_id      TEXT NOT NULL,          -- the counter terminal
  staff          TEXT NOT NULL,          -- JSON {name, idNumber, subject} of the staff member's ID token
  collector      TEXT NOT NULL,          -- JSON {name, idNumber, relation, idChecked}
  items          TEXT NOT NULL,          -- JSON [{name, count}]
  collected_at   INTEGER NOT NULL
);
