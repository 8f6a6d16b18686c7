-- Salle virtuelle (visio) of every event: a WebRTC mesh. The server keeps who is in each room
-- (across server instances: the rows are the truth, LISTEN/NOTIFY carries the changes), the
-- room's chat, and relays signalling too large for a NOTIFY payload. Never any media.
-- Forward only.

CREATE TABLE visio_participants (
  -- Chosen by the browser tab, the same across its reconnections.
  id uuid PRIMARY KEY,
  event_id uuid NOT NULL REFERENCES events (id),
  -- An account, or a guest's own id (guest_sessions.guest_id): no foreign key.
  user_id uuid NOT NULL,
  author_id uuid REFERENCES users (id),
  guest_id uuid,
  session_id text NOT NULL,
  name text NOT NULL,
  -- The server instance that holds its WebSocket.
  instance_id uuid NOT NULL,
  media jsonb NOT NULL,
  joined_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now(),
  -- Set while its connection is lost; it has a grace period to come back before it is counted out.
  disconnected_at timestamptz,
  left_at timestamptz,
  left_reason text CHECK (left_reason IN ('left', 'connection_lost', 'access_lost', 'session_ended', 'event_closed', 'replaced'))
);
CREATE INDEX visio_participants_in_room_idx ON visio_participants (event_id) WHERE left_at IS NULL;

CREATE TABLE visio_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES events (id),
  author_id uuid REFERENCES users (id),
  guest_id uuid,
  author_name text NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  entry_id uuid REFERENCES log_entries (id),
  copied_by_name text
);
CREATE INDEX visio_messages_event_idx ON visio_messages (event_id, created_at DESC);

-- Signalling frames too large for a NOTIFY payload (8,000 bytes), read once by the instance that
-- holds the recipient, then deleted.
CREATE TABLE visio_signals (
  id bigserial PRIMARY KEY,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
