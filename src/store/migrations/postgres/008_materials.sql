-- One set of materials (一套材料): uploads, what each application handed in, 容缺, 告知承诺 and 补正 (docs/materials.md).

-- Files handed in through POST /v1/materials: one row per upload, owned by the client that made it.
-- The bytes live in the blob store under their SHA-256 (stored once however often they are uploaded).
CREATE TABLE material_uploads (
  id            TEXT PRIMARY KEY,
  client_id     TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  size          BIGINT NOT NULL,
  media_type    TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL,          -- removed after this unless an application references it
  referenced_at BIGINT                    -- when an application first referenced it (then kept with the application)
);
CREATE INDEX material_uploads_client ON material_uploads (client_id, created_at);
CREATE INDEX material_uploads_sha256 ON material_uploads (sha256);
CREATE INDEX material_uploads_unreferenced ON material_uploads (expires_at) WHERE referenced_at IS NULL;

-- What an application handed in for each material identity (mappings/materials.yaml), versioned:
-- version 1 at submission; a supplied deferral or a 补正 adds the next version of that material.
CREATE TABLE application_materials (
  application_id     TEXT NOT NULL REFERENCES applications (id),
  material_code      TEXT NOT NULL,        -- the identity (CL001 …)
  version            INTEGER NOT NULL,
  satisfied_by       TEXT NOT NULL,        -- upload | licence | commitment | deferred | generated | prerequisite
  upload_id          TEXT,
  sha256             TEXT,
  size               BIGINT,
  media_type         TEXT,
  licence_identifier TEXT,
  commitment         TEXT,                 -- JSON: the commitment as signed by Tongban
  due_date           TEXT,                 -- deferred: the last day to supply it (YYYY-MM-DD, China time)
  supplied_at        BIGINT,              -- deferred: when a later version supplied it
  created_at         BIGINT NOT NULL,
  PRIMARY KEY (application_id, material_code, version)
);
CREATE INDEX application_materials_sha256 ON application_materials (sha256);
CREATE INDEX application_materials_outstanding ON application_materials (due_date) WHERE satisfied_by = 'deferred' AND supplied_at IS NULL;

-- Each sub-application's own materials, as its matter lists them (code and name of the matter, identity),
-- and the version of the sub-application the department last received (1, then one more per supplement).
ALTER TABLE sub_applications ADD COLUMN materials TEXT;
ALTER TABLE sub_applications ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- 补正 pauses the working-day clock: since when, and how many working days earlier pauses took.
ALTER TABLE sub_applications ADD COLUMN paused_since BIGINT;
ALTER TABLE sub_applications ADD COLUMN paused_working_days INTEGER NOT NULL DEFAULT 0;

-- A delivery carries one version of its sub-application; a supplement re-opens it for the next version
-- (a new idempotency key), its attempts numbered per version.
ALTER TABLE deliveries ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE delivery_attempts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- 补正: a department's request for materials and/or fields, and the applicant's answer.
CREATE TABLE supplement_requests (
  id                 TEXT PRIMARY KEY,
  sub_application_id TEXT NOT NULL REFERENCES sub_applications (id),
  department_code    TEXT NOT NULL,
  event_id           TEXT NOT NULL,
  materials          TEXT NOT NULL,        -- JSON array of the matter's material codes asked for
  fields             TEXT NOT NULL,        -- JSON array of the department form's field codes asked for
  reason             TEXT NOT NULL,
  deadline           TEXT NOT NULL,        -- YYYY-MM-DD (China time)
  status             TEXT NOT NULL,        -- open | supplied | expired
  requested_at       BIGINT NOT NULL,
  supplied_at        BIGINT,
  supply_key         TEXT,                 -- the Idempotency-Key of the supplement that answered it
  supply_response    TEXT,                 -- the answer given to that supplement (returned again on a retry)
  version            INTEGER               -- the sub-application version that carried the answer
);
CREATE INDEX supplement_requests_sub_application ON supplement_requests (sub_application_id, status);
CREATE INDEX supplement_requests_open ON supplement_requests (deadline) WHERE status = 'open';

-- A department's report that a commitment (告知承诺) was false: recorded, never dropped.
CREATE TABLE commitment_reports (
  department_code    TEXT NOT NULL,
  event_id           TEXT NOT NULL,
  sub_application_id TEXT NOT NULL REFERENCES sub_applications (id),
  material_code      TEXT NOT NULL,
  reason             TEXT NOT NULL,
  reported_at        BIGINT NOT NULL,
  PRIMARY KEY (department_code, event_id)
);

-- Files Tongban generated for a sub-application (申请表: the department form rendered as a PDF), made when the
-- sub-application is first delivered (deterministic: the same bytes on every attempt); the blob is kept while listed here.
CREATE TABLE generated_files (
  sub_application_id TEXT NOT NULL REFERENCES sub_applications (id),
  material_code      TEXT NOT NULL,        -- the matter's own material code
  sha256             TEXT NOT NULL,
  size               BIGINT NOT NULL,
  media_type         TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  PRIMARY KEY (sub_application_id, material_code)
);
CREATE INDEX generated_files_sha256 ON generated_files (sha256);
