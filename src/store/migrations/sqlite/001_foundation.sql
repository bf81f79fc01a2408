-- Gateway-wide facts (instance id, keyring generation, …), one row per key.
CREATE TABLE gateway_meta (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
