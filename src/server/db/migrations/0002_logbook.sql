-- Main courante: event types, crisis-cell functions and action tags per organisation, events and
-- sub-events, immutable hash-chained log entries with French full-text search, attachments.
-- Forward only.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Catalogues of an organisation. Entries keep the names they were written with (snapshot), so
-- renaming or archiving a catalogue item never rewrites history.
CREATE TABLE event_types (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  position integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX event_types_name_key ON event_types (organisation_id, lower(name));

CREATE TABLE crisis_functions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  position integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX crisis_functions_name_key ON crisis_functions (organisation_id, lower(name));

CREATE TABLE action_tags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  position integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX action_tags_name_key ON action_tags (organisation_id, lower(name));

CREATE TABLE events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  type_id uuid NOT NULL REFERENCES event_types (id),
  parent_id uuid REFERENCES events (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('watch', 'active', 'closed')),
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz,
  place jsonb,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  -- Head of the hash chain, updated with each entry under the event's row lock.
  entry_count integer NOT NULL DEFAULT 0,
  last_hash text,
  last_entry_at timestamptz,
  CHECK (ends_at IS NULL OR ends_at >= starts_at),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX events_organisation_idx ON events (organisation_id, status, starts_at DESC);
CREATE INDEX events_parent_idx ON events (parent_id);

CREATE TABLE attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_id uuid NOT NULL REFERENCES events (id),
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  -- Set once, when an entry takes the attachment: an attachment belongs to one entry.
  entry_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_event_idx ON attachments (event_id);
-- The bytes live outside the attachment's row (TOAST keeps them out of scans of `attachments`).
CREATE TABLE attachment_blobs (
  attachment_id uuid PRIMARY KEY REFERENCES attachments (id),
  data bytea NOT NULL
);

CREATE TABLE log_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES events (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  seq integer NOT NULL CHECK (seq >= 1),
  kind text NOT NULL CHECK (kind IN ('entry', 'correction', 'cancellation', 'system')),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  author_id uuid REFERENCES users (id),
  author_name text NOT NULL,
  function_name text,
  source text,
  text text NOT NULL,
  important boolean NOT NULL DEFAULT false,
  tags text[] NOT NULL DEFAULT '{}',
  attachment_ids uuid[] NOT NULL DEFAULT '{}',
  corrects_id uuid REFERENCES log_entries (id),
  prev_hash text,
  hash text NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('french', text), 'A') || setweight(to_tsvector('french', coalesce(source, '')), 'B')
  ) STORED,
  UNIQUE (event_id, seq)
);
CREATE INDEX log_entries_search_idx ON log_entries USING gin (search);
CREATE INDEX log_entries_trgm_idx ON log_entries USING gin (text gin_trgm_ops);
CREATE INDEX log_entries_tags_idx ON log_entries USING gin (tags);
CREATE INDEX log_entries_org_recorded_idx ON log_entries (organisation_id, recorded_at DESC);
CREATE INDEX log_entries_corrects_idx ON log_entries (corrects_id) WHERE corrects_id IS NOT NULL;

-- Immutable: no entry is edited or removed; a correction is a new entry. Altering a row needs
-- a superuser who disables this trigger, and the hash chain then names the altered entry.
CREATE FUNCTION log_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'log_entries is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER log_entries_no_change BEFORE UPDATE OR DELETE ON log_entries
  FOR EACH ROW EXECUTE FUNCTION log_entries_immutable();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
  FOR EACH STATEMENT EXECUTE FUNCTION log_entries_immutable();

-- Every organisation starts with the default catalogues; administrators and coordinators edit them.
CREATE FUNCTION seed_logbook_catalogues(org uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO event_types (organisation_id, name, position)
  SELECT org, name, ord FROM unnest(ARRAY['Astreinte', 'Crise sanitaire', 'Inondation', 'Tempête', 'Canicule',
    'Accident technologique', 'Grand rassemblement', 'Autre']) WITH ORDINALITY AS t(name, ord)
  ON CONFLICT DO NOTHING;
  INSERT INTO crisis_functions (organisation_id, name, position)
  SELECT org, name, ord FROM unnest(ARRAY['Directeur des opérations', 'Responsable des actions communales',
    'Cellule communication', 'Logistique', 'Secrétariat de crise', 'Cellule population', 'Cellule technique',
    'Élu d’astreinte']) WITH ORDINALITY AS t(name, ord)
  ON CONFLICT DO NOTHING;
  INSERT INTO action_tags (organisation_id, name, position)
  SELECT org, name, ord FROM unnest(ARRAY['décision', 'coordination', 'veille épidémique', 'consignes nationales',
    'ressources humaines', 'continuité d’activité', 'élections', 'garde d’enfants', 'personnes vulnérables',
    'hébergement d’urgence', 'état civil', 'collecte des déchets', 'nettoyage et désinfection',
    'restriction des déplacements', 'transports publics', 'communication externe', 'communication interne'])
    WITH ORDINALITY AS t(name, ord)
  ON CONFLICT DO NOTHING;
$$;

CREATE FUNCTION organisations_seed_catalogues() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM seed_logbook_catalogues(NEW.id);
  RETURN NEW;
END
$$;
CREATE TRIGGER organisations_catalogues AFTER INSERT ON organisations
  FOR EACH ROW EXECUTE FUNCTION organisations_seed_catalogues();

SELECT seed_logbook_catalogues(id) FROM organisations;
