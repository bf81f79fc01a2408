-- Applicants' authorisations (授权) to use their licences: who may use which
-- licence types of which holder, for which theme/matters, until when.
CREATE TABLE authorizations (
  id            TEXT PRIMARY KEY,
  client_id     TEXT NOT NULL,
  holder_code   TEXT NOT NULL,
  holder_type   TEXT NOT NULL CHECK (holder_type IN ('citizen', 'organization')),
  licence_types TEXT NOT NULL,                -- JSON array of licence type keys (residentIdCard, …)
  theme_code    TEXT NOT NULL,
  matter_codes  TEXT NOT NULL,                -- JSON array; [] = every matter of the theme
  purpose       TEXT,                         -- the applicant-facing description, if any
  consent       TEXT NOT NULL,                -- JSON {method, at}
  created_at    INTEGER NOT NULL,             -- Unix ms
  expires_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX authorizations_client_holder ON authorizations (client_id, holder_code);

-- The licence-use ledger: append-only and hash-chained (docs/licences.md).
-- seq is assigned by the appender (head + 1), never by a sequence, so a
-- rolled-back append leaves no hole and a hole always means a deleted row.
CREATE TABLE licence_uses (
  seq                INTEGER PRIMARY KEY,
  at                 INTEGER NOT NULL,        -- Unix ms
  client_id          TEXT NOT NULL,
  holder_code        TEXT NOT NULL,
  holder_type        TEXT NOT NULL CHECK (holder_type IN ('citizen', 'organization')),
  licence_identifier TEXT NOT NULL,
  licence_type       TEXT NOT NULL,
  theme_code         TEXT NOT NULL,
  matter_codes       TEXT NOT NULL,           -- JSON array
  use_cause          TEXT NOT NULL,
  authorization_id   TEXT NOT NULL,
  action             TEXT NOT NULL CHECK (action IN ('query', 'file', 'verify')),
  outcome            TEXT NOT NULL CHECK (outcome IN ('used', 'refused-invalid')),
  prev_hash          TEXT NOT NULL UNIQUE,    -- a second child of one entry (a fork) cannot be stored
  hash               TEXT NOT NULL UNIQUE
);
CREATE INDEX licence_uses_holder ON licence_uses (holder_code, seq);

-- The chain's head: one row; appends lock it, so appends are serialised.
CREATE TABLE ledger_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: an UPDATE or DELETE is refused (an editor with DDL rights can
-- still drop these; the hash chain is what detects that).
CREATE TRIGGER licence_uses_no_update BEFORE UPDATE ON licence_uses
BEGIN
  SELECT RAISE(ABORT, 'licence_uses is append-only');
END;
CREATE TRIGGER licence_uses_no_delete BEFORE DELETE ON licence_uses
BEGIN
  SELECT RAISE(ABORT, 'licence_uses is append-only');
END;
