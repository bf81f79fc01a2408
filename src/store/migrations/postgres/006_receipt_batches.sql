-- A department's signed answer to a batched push (several sub-applications in one request): stored once, and
-- each receipt it carries points at it by id and position, so the signature stays verifiable as evidence.
CREATE TABLE receipt_batches (
  id              TEXT PRIMARY KEY,
  department_code TEXT NOT NULL,
  format          TEXT NOT NULL,          -- tongban-signature-v1-batch
  signature       TEXT NOT NULL,          -- the department's answer signature
  body            TEXT NOT NULL,          -- the exact answer body it signs
  created_at      BIGINT NOT NULL
);
