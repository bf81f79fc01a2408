-- Who is acting (issue: identity, agents, the window). See docs/identity.md.

-- Counter terminals (一窗受理): role 'counter', bound to one service hall.
-- SQLite cannot change a CHECK constraint in place: clients and the table
-- referring to it are copied, dropped and made again (both are small).
CREATE TABLE clients_012 AS SELECT * FROM clients;
CREATE TABLE client_keys_012 AS SELECT * FROM client_keys;
DROP TABLE client_keys;
DROP TABLE clients;
CREATE TABLE clients (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('platform', 'department', 'ops', 'counter')),
  department TEXT,
  name       TEXT NOT NULL,
  algorithms TEXT NOT NULL,            -- JSON array of allowed signature algorithms
  status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  revoked_at INTEGER,
  hall       TEXT,                     -- the service hall of a counter terminal
  CHECK ((role = 'department') = (department IS NOT NULL)),
  CHECK ((role = 'counter') = (hall IS NOT NULL))
);
CREATE TABLE client_keys (
  client_id  TEXT NOT NULL REFERENCES clients (id),
  kid        TEXT NOT NULL,
  alg        TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  PRIMARY KEY (client_id, kid)
);
INSERT INTO clients (id, role, department, name, algorithms, status, created_at, updated_at, revoked_at)
  SELECT id, role, department, name, algorithms, status, created_at, updated_at, revoked_at FROM clients_012;
INSERT INTO client_keys SELECT * FROM client_keys_012;
DROP TABLE client_keys_012;
DROP TABLE clients_012;

-- Nonces Tongban issues for logins at the identity platform: each is one
-- login, consumed by the first ID token that carries it.
CREATE TABLE identity_nonces (
  nonce       TEXT PRIMARY KEY,
  client_id   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,          -- Unix ms
  expires_at  INTEGER NOT NULL,          -- a login must start before this
  token_jti   TEXT,                      -- the ID token that consumed it
  token_exp   INTEGER,                   -- that token's exp (Unix ms): the row is kept until then
  consumed_at INTEGER
);
CREATE INDEX identity_nonces_expiry ON identity_nonces (expires_at);

-- Who acted: the authenticated person, level, method and capacity (JSON; NULL before 012).
ALTER TABLE authorizations ADD COLUMN actor TEXT;
ALTER TABLE licence_uses ADD COLUMN actor TEXT;
ALTER TABLE applications ADD COLUMN actor TEXT;

-- Delegations (帮代办): a holder lets an agent act for named themes and licence types, for a period.
CREATE TABLE delegations (
  id            TEXT PRIMARY KEY,
  client_id     TEXT NOT NULL,           -- the platform through which the holder recorded it
  holder_code   TEXT NOT NULL,
  holder_type   TEXT NOT NULL CHECK (holder_type IN ('citizen', 'organization')),
  agent_type    TEXT NOT NULL CHECK (agent_type IN ('person', 'service')),
  agent_code    TEXT NOT NULL,           -- ID number of a person, client id of a registered service
  agent_name    TEXT,
  theme_codes   TEXT NOT NULL,           -- JSON array
  licence_types TEXT NOT NULL,           -- JSON array of licence type keys
  granted_by    TEXT NOT NULL,           -- JSON: the holder's authenticated session (actor + ID token)
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX delegations_holder ON delegations (holder_code, created_at);
CREATE INDEX delegations_agent ON delegations (agent_code, holder_code);

-- Counter QR codes (一窗受理): made for an applicant's session, scanned once at one hall.
CREATE TABLE counter_codes (
  code_hash        TEXT PRIMARY KEY,     -- SHA-256 (hex) of the code; the code itself is not stored
  client_id        TEXT NOT NULL,        -- the platform that made it
  hall_code        TEXT NOT NULL,
  theme_code       TEXT NOT NULL,
  holder_code      TEXT NOT NULL,
  holder_type      TEXT NOT NULL CHECK (holder_type IN ('citizen', 'organization')),
  licence_types    TEXT NOT NULL,        -- JSON array
  applicant        TEXT NOT NULL,        -- JSON actor of the applicant's session
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  scanned_at       INTEGER,
  scanned_by       TEXT,                 -- the counter client
  staff            TEXT,                 -- JSON actor of the staff member who scanned it
  authorization_id TEXT
);
CREATE INDEX counter_codes_expiry ON counter_codes (expires_at);
