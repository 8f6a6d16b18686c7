-- Rights per event type and function, guests by link, the pinned situation analysis, and actions.
-- Forward only.

-- Crisis-cell functions held by each account ("Directeur des opérations", "Logistique"...).
CREATE TABLE user_functions (
  user_id uuid NOT NULL REFERENCES users (id),
  function_id uuid NOT NULL REFERENCES crisis_functions (id),
  PRIMARY KEY (user_id, function_id)
);
CREATE INDEX user_functions_function_idx ON user_functions (function_id);

-- Audience. An event type is open to its whole organisation, or restricted to a list of grants.
-- An event follows its type (root) or its parent (sub-event) unless it has its own list; a root
-- event can also be opened to the whole organisation ("widen" in one action). A sub-event's own
-- list restricts further: one must be in the parent's audience too.
ALTER TABLE event_types ADD COLUMN audience text NOT NULL DEFAULT 'organisation'
  CHECK (audience IN ('organisation', 'restricted'));
ALTER TABLE events ADD COLUMN audience text NOT NULL DEFAULT 'inherit'
  CHECK (audience IN ('inherit', 'organisation', 'restricted'));

CREATE TABLE audience_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_type_id uuid REFERENCES event_types (id),
  event_id uuid REFERENCES events (id),
  principal_kind text NOT NULL CHECK (principal_kind IN ('role', 'function', 'user')),
  role text CHECK (role IN ('administrator', 'coordinator', 'contributor', 'reader')),
  function_id uuid REFERENCES crisis_functions (id),
  user_id uuid REFERENCES users (id),
  access text NOT NULL CHECK (access IN ('read', 'write')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((event_type_id IS NULL) <> (event_id IS NULL)),
  CHECK ((principal_kind = 'role') = (role IS NOT NULL)),
  CHECK ((principal_kind = 'function') = (function_id IS NOT NULL)),
  CHECK ((principal_kind = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX audience_grants_type_idx ON audience_grants (event_type_id) WHERE event_type_id IS NOT NULL;
CREATE INDEX audience_grants_event_idx ON audience_grants (event_id) WHERE event_id IS NOT NULL;

-- The best level ('none' < 'read' < 'write') of the grants of one scope for one account.
CREATE FUNCTION audience_grant_level(p_type uuid, p_event uuid, p_user uuid, p_role text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(max(g.access), 'none') FROM audience_grants g
  WHERE (g.event_type_id = p_type OR g.event_id = p_event)
    AND ((g.principal_kind = 'role' AND g.role = p_role)
      OR (g.principal_kind = 'user' AND g.user_id = p_user)
      OR (g.principal_kind = 'function' AND g.function_id IN (SELECT uf.function_id FROM user_functions uf WHERE uf.user_id = p_user)))
$$;

-- What an account may do on an event: 'none', 'read' or 'write' (before the role's permission,
-- which the route checks). The one definition of event visibility, used by lists, search,
-- exports, realtime subscriptions and single reads alike.
--  * Members of the owner organisation: administrators always write; others are limited by
--    their role (a reader reads) and by every restriction on the way from the event to its root
--    (own lists of the event and its ancestors; the type's list when the root follows its type).
--  * Other organisations: an explicit share of the event or of an ancestor, or of the root's type
--    (shares of "event_types"); a share of all events covers only events open to the whole
--    owner organisation.
CREATE FUNCTION event_access(p_event uuid, p_user uuid) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  u record;
  cur record;
  lvl text;
  g text;
  restricted boolean := false;
  depth integer := 0;
BEGIN
  SELECT id, organisation_id, role INTO u FROM users WHERE id = p_user AND status = 'active';
  IF NOT FOUND THEN RETURN 'none'; END IF;
  SELECT id, organisation_id, parent_id, type_id, audience INTO cur FROM events WHERE id = p_event;
  IF NOT FOUND THEN RETURN 'none'; END IF;

  IF cur.organisation_id = u.organisation_id THEN
    IF u.role = 'administrator' THEN RETURN 'write'; END IF;
    lvl := CASE WHEN u.role = 'reader' THEN 'read' ELSE 'write' END;
    LOOP
      IF cur.audience = 'restricted' THEN
        g := audience_grant_level(NULL, cur.id, u.id, u.role);
        IF g = 'none' THEN RETURN 'none'; END IF;
        IF g = 'read' THEN lvl := 'read'; END IF;
      END IF;
      EXIT WHEN cur.parent_id IS NULL OR depth > 50;
      depth := depth + 1;
      SELECT id, organisation_id, parent_id, type_id, audience INTO cur FROM events WHERE id = cur.parent_id;
    END LOOP;
    -- cur is the root.
    IF cur.audience = 'inherit' AND (SELECT t.audience FROM event_types t WHERE t.id = cur.type_id) = 'restricted' THEN
      g := audience_grant_level(cur.type_id, NULL, u.id, u.role);
      IF g = 'none' THEN RETURN 'none'; END IF;
      IF g = 'read' THEN lvl := 'read'; END IF;
    END IF;
    RETURN lvl;
  END IF;

  -- Another organisation: shares only. A share of an event covers its sub-events down to one
  -- that restricts its audience further (that one needs its own share).
  lvl := 'none';
  LOOP
    SELECT coalesce(max(s.access), 'none') INTO g FROM shares s
      WHERE s.owner_organisation_id = cur.organisation_id AND s.grantee_organisation_id = u.organisation_id
        AND s.resource_type = 'events' AND s.resource_id = cur.id;
    IF NOT restricted AND g > lvl THEN lvl := g; END IF;
    IF cur.audience = 'restricted' THEN restricted := true; END IF;
    EXIT WHEN cur.parent_id IS NULL OR depth > 50;
    depth := depth + 1;
    SELECT id, organisation_id, parent_id, type_id, audience INTO cur FROM events WHERE id = cur.parent_id;
  END LOOP;
  -- A share of the type covers its events even when the type is restricted for members, but not
  -- an event with a list of its own.
  IF NOT restricted THEN
    SELECT coalesce(max(s.access), 'none') INTO g FROM shares s
      WHERE s.owner_organisation_id = cur.organisation_id AND s.grantee_organisation_id = u.organisation_id
        AND s.resource_type = 'event_types' AND (s.resource_id = cur.type_id OR s.resource_id IS NULL);
    IF g > lvl THEN lvl := g; END IF;
  END IF;
  IF NOT restricted AND NOT (cur.audience = 'inherit' AND (SELECT t.audience FROM event_types t WHERE t.id = cur.type_id) = 'restricted') THEN
    SELECT coalesce(max(s.access), 'none') INTO g FROM shares s
      WHERE s.owner_organisation_id = cur.organisation_id AND s.grantee_organisation_id = u.organisation_id
        AND s.resource_type = 'events' AND s.resource_id IS NULL;
    IF g > lvl THEN lvl := g; END IF;
  END IF;
  IF lvl = 'write' AND u.role = 'reader' THEN lvl := 'read'; END IF;
  RETURN lvl;
END
$$;

-- Whether an event is open to less than its whole organisation: a list of its own or of an
-- ancestor, or a root that follows a restricted type (and was not opened to everyone). Shown as a badge.
CREATE FUNCTION event_restricted(p_event uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
  cur record;
  depth integer := 0;
BEGIN
  SELECT id, parent_id, type_id, audience INTO cur FROM events WHERE id = p_event;
  IF NOT FOUND THEN RETURN false; END IF;
  LOOP
    IF cur.audience = 'restricted' THEN RETURN true; END IF;
    EXIT WHEN cur.parent_id IS NULL OR depth > 50;
    depth := depth + 1;
    SELECT id, parent_id, type_id, audience INTO cur FROM events WHERE id = cur.parent_id;
  END LOOP;
  RETURN cur.audience = 'inherit' AND (SELECT t.audience FROM event_types t WHERE t.id = cur.type_id) = 'restricted';
END
$$;

-- Guests: one link per invitation, only its SHA-256 stored.
CREATE TABLE guest_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_id uuid NOT NULL REFERENCES events (id),
  token_hash text NOT NULL UNIQUE,
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  access text NOT NULL CHECK (access IN ('read', 'write')),
  include_children boolean NOT NULL DEFAULT false,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  use_count integer NOT NULL DEFAULT 0
);
CREATE INDEX guest_links_event_idx ON guest_links (event_id);

-- A guest's session: opened with a link and a name, valid while the link is.
CREATE TABLE guest_sessions (
  id text PRIMARY KEY,
  guest_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  link_id uuid NOT NULL REFERENCES guest_links (id),
  name text NOT NULL CHECK (length(name) BETWEEN 2 AND 80),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ip text,
  user_agent text
);
CREATE INDEX guest_sessions_link_idx ON guest_sessions (link_id);

-- Entries written by a guest (author_id is null; author_name carries the name and "(invité)").
ALTER TABLE log_entries ADD COLUMN guest_id uuid;

-- Situation analysis: a form per event type, and immutable versions per event.
CREATE TABLE situation_forms (
  event_type_id uuid PRIMARY KEY REFERENCES event_types (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  fields jsonb NOT NULL,
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE situation_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES events (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  version integer NOT NULL CHECK (version >= 1),
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
  -- The form's fields as they were (labels, types), so an old version reads as it was written.
  fields jsonb NOT NULL,
  "values" jsonb NOT NULL,
  author_id uuid REFERENCES users (id),
  author_name text NOT NULL,
  entry_id uuid REFERENCES log_entries (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, version)
);
CREATE FUNCTION situation_reports_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'situation_reports is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER situation_reports_no_change BEFORE UPDATE OR DELETE ON situation_reports
  FOR EACH ROW EXECUTE FUNCTION situation_reports_append_only();

-- Actions: an entry that asks someone to do something. Its current state is here; every change
-- of status is an entry of its own in the main courante.
CREATE TABLE actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  event_id uuid NOT NULL REFERENCES events (id),
  entry_id uuid NOT NULL UNIQUE REFERENCES log_entries (id),
  entry_seq integer NOT NULL,
  title text NOT NULL,
  assignee_user_id uuid REFERENCES users (id),
  assignee_function_id uuid REFERENCES crisis_functions (id),
  assignee_name text NOT NULL,
  due_at timestamptz,
  status text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done', 'cancelled')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((assignee_user_id IS NULL) <> (assignee_function_id IS NULL))
);
CREATE INDEX actions_event_idx ON actions (event_id, status);
CREATE INDEX actions_open_idx ON actions (organisation_id, due_at) WHERE status IN ('todo', 'doing');
