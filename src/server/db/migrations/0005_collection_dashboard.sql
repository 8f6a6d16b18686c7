-- Collecte, the prefecture's side: fast aggregates for the dashboard, the stored result of the
-- statistical detection (refreshed after each declaration), and the onboarding of commune
-- contacts with one-time activation links. Forward only.

-- The sum of every indicator of a declaration, kept by the database itself, so that maps and
-- totals over a whole territory read one integer per row instead of parsing JSON.
CREATE FUNCTION collection_values_total(v jsonb) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT coalesce(sum((e.value)::text::int), 0)::int FROM jsonb_each(v) e $$;

ALTER TABLE collection_declarations
  ADD COLUMN total integer GENERATED ALWAYS AS (collection_values_total("values")) STORED;

-- One day of a department (the map) and a commune's window read this index only.
DROP INDEX collection_declarations_date_idx;
CREATE INDEX collection_declarations_date_idx ON collection_declarations (campaign_id, period_date) INCLUDE (insee_code, total);

-- The statistical detection of each (campaign, area, date) where a value was declared, on the
-- total of the indicators. `area` is a commune's INSEE code, or 'department' for the sum of the
-- communes that answered. Rewritten by the detection refresher (collection/detection.refresher.ts).
CREATE TABLE collection_detection (
  campaign_id uuid NOT NULL REFERENCES collection_campaigns (id),
  area text NOT NULL,
  period_date date NOT NULL,
  method text NOT NULL CHECK (method IN ('noufaily2013', 'earsC3')),
  observed integer,
  expected double precision,
  upperbound double precision,
  alarm boolean,
  explanation text NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, period_date, area)
);
CREATE INDEX collection_detection_area_idx ON collection_detection (campaign_id, area, period_date);

-- Communes whose detection must be recomputed from `from_date` on (a declaration, a correction,
-- an import). Written in the declaration's transaction, so nothing is forgotten if a server stops
-- before the refresh; any instance may process it.
CREATE TABLE collection_detection_queue (
  campaign_id uuid NOT NULL REFERENCES collection_campaigns (id),
  insee_code text NOT NULL,
  from_date date NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (campaign_id, insee_code)
);

-- Commune contacts brought on board by a prefecture: each is an account of the commune's
-- organisation, invited with a one-time activation link (its SHA-256 only is stored).
CREATE TABLE commune_invitations (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  prefecture_id uuid NOT NULL REFERENCES organisations (id),
  insee_code text NOT NULL REFERENCES communes (insee_code),
  job_title text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  token_hash text UNIQUE,
  expires_at timestamptz,
  links_sent integer NOT NULL DEFAULT 1,
  invited_by uuid REFERENCES users (id),
  invited_at timestamptz NOT NULL DEFAULT now(),
  link_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz
);
CREATE INDEX commune_invitations_prefecture_idx ON commune_invitations (prefecture_id, insee_code);
