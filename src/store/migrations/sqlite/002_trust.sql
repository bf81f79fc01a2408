-- Clients that may call Tongban, each in one role; department clients are bound to their department.
CREATE TABLE clients (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('platform', 'department', 'ops')),
  department TEXT,
  name       TEXT NOT NULL,
  algorithms TEXT NOT NULL,            -- JSON array of allowed signature algorithms
  status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revoked_at INTEGER,
  CHECK ((role = 'department') = (department IS NOT NULL))
);

-- Public keys of clients, by kid. A revoked key stops verifying at once.
CREATE TABLE client_keys (
  client_id  TEXT NOT NULL REFERENCES clients (id),
  kid        TEXT NOT NULL,
  alg        TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  PRIMARY KEY (client_id, kid)
);

-- Replay guard: a (client, jti) pair is accepted once until it expires; shared by all replicas.
CREATE TABLE used_jtis (
  client_id  TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX used_jtis_expires_at ON used_jtis (expires_at);
