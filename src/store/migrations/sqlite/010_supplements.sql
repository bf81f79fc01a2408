-- 补正 and 容缺 supplies (docs/materials.md §7, §9).
-- Versions of a sub-application after the first (docs/materials.md §7, §9): what each new version changed (a 补正 answered,
-- a deferred material supplied) and, once the next version replaces it, the receipt the department gave this one.
-- sub_applications.receipt holds the latest version's receipt; acceptance_number stays the department's first 受理号.
CREATE TABLE sub_application_versions (
  sub_application_id TEXT NOT NULL REFERENCES sub_applications (id),
  version            INTEGER NOT NULL,
  request_id         TEXT,                 -- the supplement request it answers; null for a deferred material supplied
  reason             TEXT,                 -- the request's reason, as delivered
  changed_materials  TEXT NOT NULL,        -- JSON array of the matter's own material codes that changed
  changed_fields     TEXT NOT NULL,        -- JSON array of the department form's field codes that changed
  receipt            TEXT,                 -- the receipt of this version, kept here once a later version replaced it
  created_at         INTEGER NOT NULL,
  PRIMARY KEY (sub_application_id, version)
);

-- POST /v1/applications/{id}/supplements: one row per supply, de-duplicated by the client's Idempotency-Key.
CREATE TABLE supplies (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications (id),
  client_id       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_digest  TEXT NOT NULL,           -- hex SHA-256 of the application id and the body: same key + other body = 422
  response        TEXT NOT NULL,           -- the first answer, returned again for a retry
  created_at      INTEGER NOT NULL,
  UNIQUE (client_id, idempotency_key)
);
