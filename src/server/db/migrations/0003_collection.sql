-- Collecte: campaigns of a prefecture asking the communes of its department for daily (or weekly)
-- counts, one declaration per (campaign, commune, period date), corrections kept in an
-- append-only history. Forward only.

CREATE TABLE collection_campaigns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The prefecture that runs the campaign, and its department.
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  department_code text NOT NULL REFERENCES departments (code),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  period text NOT NULL CHECK (period IN ('daily', 'weekly')),
  -- Local time (Europe/Paris) by which each period's declaration is due, 'HH:MM'.
  deadline text NOT NULL CHECK (deadline ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  start_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_campaigns_organisation_idx ON collection_campaigns (organisation_id, created_at DESC);

-- What is asked, in order. Values are non-negative integers up to max_value (a sanity bound).
CREATE TABLE collection_indicators (
  campaign_id uuid NOT NULL REFERENCES collection_campaigns (id),
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$' AND key <> 'total'),
  position integer NOT NULL,
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  help text NOT NULL DEFAULT '',
  max_value integer NOT NULL DEFAULT 10000 CHECK (max_value > 0),
  PRIMARY KEY (campaign_id, key)
);

-- The communes asked (current INSEE codes of the campaign's department).
CREATE TABLE collection_campaign_communes (
  campaign_id uuid NOT NULL REFERENCES collection_campaigns (id),
  insee_code text NOT NULL REFERENCES communes (insee_code),
  PRIMARY KEY (campaign_id, insee_code)
);
CREATE INDEX collection_campaign_communes_insee_idx ON collection_campaign_communes (insee_code);

-- One row per (campaign, commune, period date): no row = not declared; 0 is an answer.
-- `values` holds every indicator of the campaign: {"<key>": <integer>, ...}.
CREATE TABLE collection_declarations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES collection_campaigns (id),
  insee_code text NOT NULL REFERENCES communes (insee_code),
  period_date date NOT NULL,
  "values" jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- The first submission; later corrections are in collection_declaration_history.
  organisation_id uuid REFERENCES organisations (id),
  declared_by uuid REFERENCES users (id),
  declared_by_name text NOT NULL,
  declared_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  updated_by_name text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, insee_code, period_date)
);
CREATE INDEX collection_declarations_date_idx ON collection_declarations (campaign_id, period_date);

-- Every correction: who, when, old and new values, why. Append-only, like audit_log.
CREATE TABLE collection_declaration_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  declaration_id uuid NOT NULL REFERENCES collection_declarations (id),
  version integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid REFERENCES users (id),
  user_name text NOT NULL,
  organisation_id uuid REFERENCES organisations (id),
  old_values jsonb NOT NULL,
  new_values jsonb NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  UNIQUE (declaration_id, version)
);

CREATE FUNCTION collection_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'collection_declaration_history is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER collection_history_no_change BEFORE UPDATE OR DELETE ON collection_declaration_history
  FOR EACH ROW EXECUTE FUNCTION collection_history_append_only();
CREATE TRIGGER collection_history_no_truncate BEFORE TRUNCATE ON collection_declaration_history
  FOR EACH STATEMENT EXECUTE FUNCTION collection_history_append_only();
