-- Vigie foundation: territory, organisations, accounts, sessions, audit, shares, realtime.
-- Forward only: a released migration is never edited; a change is a new numbered file.

CREATE TABLE departments (
  code text PRIMARY KEY,
  name text NOT NULL,
  outline jsonb
);

CREATE TABLE communes (
  insee_code text PRIMARY KEY,
  name text NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  population integer CHECK (population IS NULL OR population >= 0),
  former_codes text[] NOT NULL DEFAULT '{}',
  outline jsonb
);
CREATE INDEX communes_department_idx ON communes (department_code);

CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('commune', 'prefecture', 'partner')),
  name text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
  insee_code text REFERENCES communes (insee_code),
  department_code text REFERENCES departments (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'commune' OR insee_code IS NOT NULL),
  CHECK (kind <> 'prefecture' OR department_code IS NOT NULL)
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (lower(name));

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  email text NOT NULL CHECK (email = lower(email)),
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('administrator', 'coordinator', 'contributor', 'reader')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  last_login_at timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_organisation_idx ON users (organisation_id);

-- The session token never lands in the database: id is its SHA-256.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Failed logins per key ("account:<email>" or "address:<ip>"), shared by every server instance.
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  blocked_until timestamptz
);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid,
  actor_organisation_id uuid,
  organisation_id uuid,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  changes jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text
);
CREATE INDEX audit_log_organisation_idx ON audit_log (organisation_id, id DESC);

-- Append-only: the database itself refuses to alter or remove an audit record.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE shares (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_organisation_id uuid NOT NULL REFERENCES organisations (id),
  grantee_organisation_id uuid NOT NULL REFERENCES organisations (id),
  resource_type text NOT NULL,
  resource_id uuid,
  access text NOT NULL CHECK (access IN ('read', 'write')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (owner_organisation_id <> grantee_organisation_id)
);
CREATE UNIQUE INDEX shares_unique_key ON shares (
  owner_organisation_id, grantee_organisation_id, resource_type,
  coalesce(resource_id, '00000000-0000-0000-0000-000000000000'::uuid)
);
CREATE INDEX shares_grantee_idx ON shares (grantee_organisation_id, resource_type);

CREATE TABLE announcements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  author_id uuid NOT NULL REFERENCES users (id),
  text text NOT NULL,
  level text NOT NULL CHECK (level IN ('info', 'urgent')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX announcements_organisation_idx ON announcements (organisation_id, created_at DESC);

-- Realtime: one sequence per topic, and the messages kept for catch-up after a reconnection.
CREATE TABLE realtime_topics (
  topic text PRIMARY KEY,
  seq bigint NOT NULL
);
CREATE TABLE realtime_messages (
  topic text NOT NULL,
  seq bigint NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, seq)
);
CREATE INDEX realtime_messages_created_idx ON realtime_messages (created_at);
