-- Fees (网上缴费, issue #20) through the unified public payment platform. See docs/payments.md.

-- One payment per fee-bearing sub-application: its notice (缴款通知书) and a durable job that creates the notice,
-- pulls its status (the fallback of notifications) and refunds it.
CREATE TABLE payments (
  id                 TEXT PRIMARY KEY,
  application_id     TEXT NOT NULL REFERENCES applications (id),
  sub_application_id TEXT NOT NULL UNIQUE REFERENCES sub_applications (id),
  matter_code        TEXT NOT NULL,
  gate               TEXT NOT NULL CHECK (gate IN ('before-acceptance', 'before-results')),
  items              TEXT NOT NULL,          -- JSON [{code, name, amountFen}]
  total_fen          INTEGER NOT NULL CHECK (total_fen > 0),
  payer              TEXT NOT NULL,          -- JSON {name, idNumber}: the person who submitted
  due_date           TEXT NOT NULL,          -- YYYY-MM-DD (Beijing)
  order_no           TEXT NOT NULL UNIQUE,   -- the platform's idempotency key: a retried creation answers the same notice
  notice_no          TEXT UNIQUE,            -- 缴款码, once created
  status             TEXT NOT NULL,          -- creating | not_created | unpaid | paid | difference | refunding | refunded | refund_failed | cancelled
  paid_fen           INTEGER,
  paid_at            TEXT,                   -- as the platform stated it (ISO 8601, +08:00)
  channel            TEXT,
  refund_no          TEXT UNIQUE,
  job                TEXT NOT NULL,          -- create | await | refund | track_refund | done | dead
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER NOT NULL,
  lease_owner        TEXT,
  lease_expires_at   INTEGER,
  last_error         TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX payments_due ON payments (job, next_attempt_at);
CREATE INDEX payments_application ON payments (application_id);
CREATE INDEX payments_status ON payments (status);

-- Notifications received, by the nonce of their signature: a second message with a nonce is a replay (401).
CREATE TABLE payment_notifications (
  nonce           TEXT PRIMARY KEY,
  notification_id TEXT NOT NULL,
  notice_no       TEXT NOT NULL,
  outcome         TEXT NOT NULL,             -- paid | already | difference | unknown_notice
  received_at     INTEGER NOT NULL
);

-- Mismatches between the platform and Tongban's records: never a payment.
CREATE TABLE payment_differences (
  id           TEXT PRIMARY KEY,
  key          TEXT NOT NULL UNIQUE,         -- source:billDate:noticeNo:kind (a re-run records nothing twice)
  source       TEXT NOT NULL,                -- notification | reconciliation
  bill_date    TEXT,                         -- the reconciliation file's day
  kind         TEXT NOT NULL,                -- amount | unknown_notice | missing_on_platform
  notice_no    TEXT NOT NULL,
  order_no     TEXT,
  payment_id   TEXT,
  expected_fen INTEGER,
  actual_fen   INTEGER,
  detail       TEXT NOT NULL,
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX payment_differences_recorded ON payment_differences (recorded_at);

-- Each day's reconciliation (对账), once per day unless re-run by ops.
CREATE TABLE payment_reconciliations (
  bill_date   TEXT PRIMARY KEY,
  status      TEXT NOT NULL,                 -- matched | differences | failed
  lines       INTEGER NOT NULL DEFAULT 0,
  matched     INTEGER NOT NULL DEFAULT 0,
  differences INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  ran_at      INTEGER NOT NULL
);
