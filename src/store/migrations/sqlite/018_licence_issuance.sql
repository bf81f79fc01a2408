-- Issue #20: results issued as licences (docs/licence-issuance.md). One row per completed sub-application whose
-- matter declares `issues:`: the issuance job (an outbox: claimed under a lease, retried with backoff, dead after the
-- last attempt or on a refusal, replayed by ops) and, once issued, the licence's identifier and status; a revocation
-- event makes the same row a job again (operation revoke).
CREATE TABLE licence_issuances (
  id                 TEXT PRIMARY KEY,
  application_id     TEXT NOT NULL REFERENCES applications (id),
  sub_application_id TEXT NOT NULL UNIQUE REFERENCES sub_applications (id),
  licence_type       TEXT NOT NULL,           -- licence type key, e.g. householdRegister
  business_number    TEXT NOT NULL UNIQUE,    -- the library's idempotency key: a retried issuance answers the same identifier
  request            TEXT NOT NULL,           -- JSON: holder, issuer, number, dates, surface, the result document's id
  holder_code        TEXT,
  identifier         TEXT UNIQUE,             -- GB/T 36904, as the library assigned it
  status             TEXT NOT NULL,           -- issuing | issued | failed | revoking | revoked | cancelled
  operation          TEXT NOT NULL,           -- issue | revoke: what the job does next
  revocation         TEXT,                    -- JSON {kind, reason, eventId} once the department withdrew it
  state              TEXT NOT NULL,           -- job: pending | in_flight | done | dead
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER NOT NULL,
  lease_owner        TEXT,
  lease_expires_at   INTEGER,
  last_error         TEXT,
  error_code         TEXT,                    -- the library's status on a refusal (200 …), or MAPPING when the declaration found no value
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX licence_issuances_due ON licence_issuances (state, next_attempt_at);
CREATE INDEX licence_issuances_application ON licence_issuances (application_id);
