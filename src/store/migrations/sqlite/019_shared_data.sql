-- Shared data (#20, docs/shared-data.md): reads of the data-sharing exchange
-- are ledgered beside licence uses, as actions `shared-data` (a record read)
-- and `shared-data-verify` (a statement verified). SQLite cannot change a
-- CHECK constraint, so the ledger table is rebuilt with the same rows, index
-- and append-only triggers (DROP TABLE fires no DELETE trigger); the hash
-- chain is untouched: every row keeps its bytes.
CREATE TABLE licence_uses_019 (
  seq                INTEGER PRIMARY KEY,
  at                 INTEGER NOT NULL,        -- Unix ms
  client_id          TEXT NOT NULL,
  holder_code        TEXT NOT NULL,
  holder_type        TEXT NOT NULL CHECK (holder_type IN ('citizen', 'organization')),
  licence_identifier TEXT NOT NULL,           -- for shared data: the resource code and the exchange's record or verification id
  licence_type       TEXT NOT NULL,           -- for shared data: the resource key (socialInsuranceEnrolment, …)
  theme_code         TEXT NOT NULL,
  matter_codes       TEXT NOT NULL,           -- JSON array
  use_cause          TEXT NOT NULL,
  authorization_id   TEXT NOT NULL,
  action             TEXT NOT NULL CHECK (action IN ('query', 'file', 'verify', 'shared-data', 'shared-data-verify')),
  outcome            TEXT NOT NULL CHECK (outcome IN ('used', 'refused-invalid')),
  prev_hash          TEXT NOT NULL UNIQUE,
  hash               TEXT NOT NULL UNIQUE,
  actor              TEXT
);
INSERT INTO licence_uses_019 (seq, at, client_id, holder_code, holder_type, licence_identifier, licence_type, theme_code, matter_codes, use_cause, authorization_id, action, outcome, prev_hash, hash, actor)
  SELECT seq, at, client_id, holder_code, holder_type, licence_identifier, licence_type, theme_code, matter_codes, use_cause, authorization_id, action, outcome, prev_hash, hash, actor FROM licence_uses;
DROP TABLE licence_uses;
ALTER TABLE licence_uses_019 RENAME TO licence_uses;
CREATE INDEX licence_uses_holder ON licence_uses (holder_code, seq);
CREATE TRIGGER licence_uses_no_update BEFORE UPDATE ON licence_uses
BEGIN
  SELECT RAISE(ABORT, 'licence_uses is append-only');
END;
CREATE TRIGGER licence_uses_no_delete BEFORE DELETE ON licence_uses
BEGIN
  SELECT RAISE(ABORT, 'licence_uses is append-only');
END;
