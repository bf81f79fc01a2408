-- Who is acting (issue: identity, agents, the window). See docs/identity.md.

-- Counter terminals (一窗受理): role 'counter', bound to one service hall.
ALTER TABLE clients ADD COLUMN hall TEXT;
ALTER TABLE clients DROP CONSTRAINT clients_role_check;
ALTER TABLE clients ADD CONSTRAINT clients_role_check CHECK (role IN ('platform', 'department', 'ops', 'counter'));
ALTER TABLE clients ADD CONSTRAINT clients_hall_check CHECK ((role = 'counter') = (hall IS NOT NULL));

-- Nonces Tongban issues for logins at the identity platform: each is one
-- login, consumed by the first ID token that carries it.
CREATE TABLE identity_nonces (
  nonce       TEXT PRIMARY KEY,
  client_id   TEXT NOT NULL,
  created_at  BIGINT NOT NULL,           -- Unix ms
  expires_at  BIGINT NOT NULL,           -- a login must start before this
  token_jti   TEXT,                      -- the ID token that consumed it
  token_exp   BIGINT,                    -- that token's exp (Unix ms): the row is kept until then
  consumed_at BIGINT
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
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL,
  revoked_at    BIGINT
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
  created_at       BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL,
  scanned_at       BIGINT,
  scanned_by       TEXT,                 -- the counter client
  staff            TEXT,                 -- JSON actor of the staff member who scanned it
  authorization_id TEXT
);
CREATE INDEX counter_codes_expiry ON counter_codes (expires_at);
