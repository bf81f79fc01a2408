-- Blobs (material files) kept in PostgreSQL, so every replica reads the same
-- files (TONGBAN_BLOB_STORE=postgres, the default with DATABASE_URL). A blob
-- is written in one transaction: its chunks under a fresh upload id while
-- its SHA-256 is not yet known, then its row under that SHA-256 pointing at
-- them. Nothing is visible before the commit; a killed writer commits nothing.

CREATE TABLE blob_chunks (
  upload_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (upload_id, seq)
);
-- Material files (PDF, OFD, JPEG, PNG) are compressed already: store them out of line without trying again.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  upload_id TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
