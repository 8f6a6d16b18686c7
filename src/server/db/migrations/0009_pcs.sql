-- Plan communal de sauvegarde (PCS): risks and their reflex sheets, crisis directory and on-call
-- rota, alert means, resources ("moyens"), sensitive sites, the register of vulnerable people,
-- plan upkeep; events tied to a risk, and exercises.
-- Forward only.

-- One plan per organisation: its upkeep dates (Code de la sécurité intérieure R731-10: revised at
-- least every five years; an exercise at least every five years).
CREATE TABLE pcs_plans (
  organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
  last_revision_on date,
  last_exercise_on date,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by_name text
);

-- Risks of the commune (from its DICRIM).
CREATE TABLE pcs_risks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pcs_risks_name_key ON pcs_risks (organisation_id, lower(name));

-- A reflex sheet: the ordered actions of one function for one risk.
CREATE TABLE pcs_reflex_sheets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  risk_id uuid NOT NULL REFERENCES pcs_risks (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 160),
  function_id uuid NOT NULL REFERENCES crisis_functions (id),
  steps text[] NOT NULL CHECK (cardinality(steps) BETWEEN 1 AND 60),
  position integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pcs_reflex_sheets_title_key ON pcs_reflex_sheets (risk_id, lower(title));

-- A reflex sheet started in an event: its steps became the event's actions (actions.reflex_run_id).
CREATE TABLE pcs_reflex_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_id uuid NOT NULL REFERENCES events (id),
  sheet_id uuid NOT NULL REFERENCES pcs_reflex_sheets (id),
  title text NOT NULL,
  function_name text NOT NULL,
  started_by uuid NOT NULL REFERENCES users (id),
  started_by_name text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, sheet_id)
);
ALTER TABLE actions ADD COLUMN reflex_run_id uuid REFERENCES pcs_reflex_runs (id);
ALTER TABLE actions ADD COLUMN step_position integer;
CREATE INDEX actions_reflex_run_idx ON actions (reflex_run_id) WHERE reflex_run_id IS NOT NULL;

-- An event can be about one risk of the plan, and can be an exercise.
ALTER TABLE events ADD COLUMN risk_id uuid REFERENCES pcs_risks (id);
ALTER TABLE events ADD COLUMN exercise boolean NOT NULL DEFAULT false;

-- The crisis directory: people and services, with their function in the plan.
CREATE TABLE pcs_contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  service text NOT NULL DEFAULT '',
  function_label text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  phone_alt text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  archived boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pcs_contacts_name_key ON pcs_contacts (organisation_id, lower(name));

-- The on-call rota: who holds which line (astreinte de direction, technique...) and when.
CREATE TABLE pcs_oncall_shifts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  contact_id uuid NOT NULL REFERENCES pcs_contacts (id),
  line text NOT NULL CHECK (length(line) BETWEEN 1 AND 80),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX pcs_oncall_shifts_time_idx ON pcs_oncall_shifts (organisation_id, ends_at);

-- Alert means (sirens, call automaton, loudspeaker vehicle, door to door...) and the rules to use them.
CREATE TABLE pcs_alert_means (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  coverage text NOT NULL DEFAULT '',
  rules text NOT NULL DEFAULT '',
  archived boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pcs_alert_means_name_key ON pcs_alert_means (organisation_id, lower(name));

-- Resources ("moyens"). `engaged_event_id` is set exactly when the status is 'engaged'.
CREATE TABLE resources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind text NOT NULL CHECK (kind IN ('vehicle', 'equipment', 'room', 'shelter', 'team')),
  status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'engaged', 'unavailable')),
  address text NOT NULL DEFAULT '',
  lon double precision CHECK (lon BETWEEN -180 AND 180),
  lat double precision CHECK (lat BETWEEN -90 AND 90),
  capacity integer CHECK (capacity >= 0),
  occupancy integer NOT NULL DEFAULT 0 CHECK (occupancy >= 0),
  engaged_event_id uuid REFERENCES events (id),
  engaged_at timestamptz,
  engaged_by_name text,
  note text NOT NULL DEFAULT '',
  archived boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'engaged') = (engaged_event_id IS NOT NULL)),
  CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE UNIQUE INDEX resources_name_key ON resources (organisation_id, lower(name));
CREATE INDEX resources_engaged_idx ON resources (engaged_event_id) WHERE engaged_event_id IS NOT NULL;

-- Sensitive sites (schools, nursing homes, hospitals...), shown as a layer on event maps.
CREATE TABLE pcs_sites (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 160),
  kind text NOT NULL CHECK (kind IN ('school', 'daycare', 'nursing_home', 'hospital', 'public_building', 'industrial', 'other')),
  address text NOT NULL DEFAULT '',
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  capacity integer CHECK (capacity >= 0),
  phone text NOT NULL DEFAULT '',
  notes text NOT NULL DEFAULT '',
  archived boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pcs_sites_name_key ON pcs_sites (organisation_id, lower(name));

-- Register of vulnerable people (personal data): read only through its own routes, by the roles
-- that hold `vulnerable.read`, each read recorded in the audit log; never in the plan's export,
-- the search or the main courante.
CREATE TABLE pcs_vulnerable_people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 160),
  address text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  vulnerability text NOT NULL DEFAULT '',
  needs text NOT NULL DEFAULT '',
  contact text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pcs_vulnerable_people_org_idx ON pcs_vulnerable_people (organisation_id);
