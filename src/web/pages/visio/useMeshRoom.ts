import { useCallback, useEffect, useRef, useState } from 'react';
import type { IceServer } from '../../../shared/schemas/visio';
import { useRealtimeClient } from '../../api/realtime';
import { MeshRoom, type RoomSnapshot } from '../../visio/mesh';

/**
 * The participant id of this tab in a room: kept for the tab's life (sessionStorage), so that a
 * reload or a reconnection within the server's grace period is the same participant (no new
 * « a rejoint » line in the main courante; the others rebuild their media connection to it).
 */
function participantIdFor(eventId: string): string {
  const key = `vigie.visio.${eventId}`;
  try {
    const known = sessionStorage.getItem(key);
    if (known && /^[0-9a-f-]{36}$/.test(known)) return known;
    const id = crypto.randomUUID();
    sessionStorage.setItem(key, id);
    return id;
  } catch {
    return crypto.randomUUID();
  }
}

export function useMeshRoom(eventId: string, iceServers: IceServer[] | null) {
  const client = useRealtimeClient();
  const roomRef = useRef<MeshRoom | null>(null);
  const [snapshot, setSnapshot] = useState<RoomSnapshot | null>(null);

  const join = useCallback(
    (stream: MediaStream | null, media: { audio: boolean; video: boolean }) => {
      if (!client || !iceServers) return null;
      roomRef.current?.destroy();
      const room = new MeshRoom({ client, eventId, participantId: participantIdFor(eventId), iceServers, onChange: setSnapshot });
      roomRef.current = room;
      room.start(stream, media);
      return room;
    },
    [client, eventId, iceServers],
  );

  /** Back to the lobby (after being put out, to join again). */
  const reset = useCallback(() => {
    roomRef.current?.destroy();
    roomRef.current = null;
    setSnapshot(null);
  }, []);

  // Leaving the page leaves the room.
  useEffect(() => () => roomRef.current?.destroy(), []);

  return { room: roomRef.current, snapshot, join, reset };
}
