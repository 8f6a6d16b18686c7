import type { Kysely, Selectable } from 'kysely';
import type { DB, VisioMessagesTable, VisioParticipantsTable } from '../../db/schema';
import type { VisioMessage, VisioParticipant } from '../../../shared/schemas/visio';

export type ParticipantRow = Selectable<VisioParticipantsTable>;
export type MessageRow = Selectable<VisioMessagesTable>;

export function presentParticipant(r: ParticipantRow): VisioParticipant {
  return {
    participantId: r.id,
    userId: r.user_id,
    name: r.name,
    guest: r.guest_id !== null,
    media: r.media,
    connected: r.disconnected_at === null && r.left_at === null,
    joinedAt: r.joined_at.toISOString(),
  };
}

/** Who is in the room of an event, first come first. */
export async function participantsOf(db: Kysely<DB>, eventId: string): Promise<VisioParticipant[]> {
  const rows = await db.selectFrom('visio_participants').selectAll().where('event_id', '=', eventId).where('left_at', 'is', null).orderBy('joined_at').orderBy('id').execute();
  return rows.map(presentParticipant);
}

export function presentMessage(r: MessageRow & { entry_seq: number | null }): VisioMessage {
  return {
    id: r.id,
    eventId: r.event_id,
    authorName: r.author_name,
    guest: r.guest_id !== null,
    body: r.body,
    createdAt: r.created_at.toISOString(),
    entryId: r.entry_id,
    entrySeq: r.entry_seq,
    copiedByName: r.copied_by_name,
  };
}

export function messagesQuery(db: Kysely<DB>) {
  return db
    .selectFrom('visio_messages as m')
    .leftJoin('log_entries as le', 'le.id', 'm.entry_id')
    .selectAll('m')
    .select('le.seq as entry_seq');
}
