import { createHmac } from 'node:crypto';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import type { IceServer, VisioMessage, VisioRoom } from '../../../shared/schemas/visio';
import type { Entry } from '../../../shared/schemas/logbook';
import { recordAudit } from '../audit';
import { lockVisibleEvent, requireVisibleEvent } from '../events';
import { appendEntry, presentEntries } from '../logbook';
import { can } from '../../../shared/permissions';
import { messagesQuery, participantsOf, presentMessage } from './visio.repository';

const MESSAGES_SHOWN = 200;

/**
 * The ICE servers handed to a browser: those of the settings, plus a TURN server with credentials
 * valid for a few hours when a shared secret is set (coturn `use-auth-secret`: the user name is
 * « expiry:user », the password HMAC-SHA1 of it, base 64).
 */
export function iceServersFor(services: Services, auth: AuthContext): IceServer[] {
  const v = services.config.visio;
  const servers = [...v.iceServers];
  if (v.turnSecret && v.turnUrls.length) {
    const username = `${Math.floor(services.now().getTime() / 1000) + v.turnTtlSeconds}:${auth.user.id}`;
    const credential = createHmac('sha1', v.turnSecret).update(username).digest('base64');
    servers.push({ urls: v.turnUrls, username, credential });
  }
  return servers;
}

export async function getRoom(services: Services, auth: AuthContext, eventId: string): Promise<VisioRoom> {
  const event = await requireVisibleEvent(services.db, auth, eventId);
  const [participants, messages] = await Promise.all([
    participantsOf(services.db, eventId),
    messagesQuery(services.db).where('m.event_id', '=', eventId).orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(MESSAGES_SHOWN).execute(),
  ]);
  return {
    eventId,
    open: event.status !== 'closed',
    iceServers: iceServersFor(services, auth),
    maxParticipants: services.config.visio.maxParticipants,
    participants,
    messages: messages.reverse().map(presentMessage),
    canCopyToLogbook: event.access === 'write' && event.status !== 'closed' && can(auth.user.role, 'logbook.write'),
  };
}

/** A chat message of the room: anyone who sees the event (and may be in its room) writes there while it is open. */
export async function postMessage(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: string): Promise<VisioMessage> {
  return services.db.transaction().execute(async (tx) => {
    const event = await lockVisibleEvent(tx, auth, eventId);
    if (event.status === 'closed') throw new AppError('event_closed');
    const row = await tx
      .insertInto('visio_messages')
      .values({ event_id: eventId, author_id: auth.guest ? null : auth.user.id, guest_id: auth.guest ? auth.user.id : null, author_name: auth.user.displayName, body })
      .returningAll()
      .executeTakeFirstOrThrow();
    const message = presentMessage({ ...row, entry_seq: null });
    await recordAudit(tx, actor, {
      action: 'visio.message_posted',
      entityType: 'visio_message',
      entityId: row.id,
      organisationId: event.organisation_id,
      changes: { eventId, length: body.length, ...(auth.guest ? { guest: auth.guest.name } : {}) },
    });
    await services.realtime.publish(tx, topicOf('event', eventId), { kind: 'visio.message', message });
    return message;
  });
}

function hhmm(d: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' }).format(d);
}

/**
 * Copies a chat message into the main courante, in one click: an entry by the person who copies,
 * dated when the message was written, its source the room and the message's author.
 */
export async function copyToLogbook(services: Services, auth: AuthContext, actor: Actor, eventId: string, messageId: string): Promise<{ message: VisioMessage; entry: Entry }> {
  const { row, entry } = await services.db.transaction().execute(async (tx) => {
    const event = await lockVisibleEvent(tx, auth, eventId);
    if (event.access !== 'write') throw new AppError('forbidden');
    if (event.status === 'closed') throw new AppError('event_closed');
    const msg = await tx.selectFrom('visio_messages').selectAll().where('id', '=', messageId).where('event_id', '=', eventId).forUpdate().executeTakeFirst();
    if (!msg) throw notFound();
    if (msg.entry_id) throw new AppError('visio_message_copied', { entryId: msg.entry_id });
    const entry = await appendEntry(tx, services.realtime, event, {
      kind: 'entry',
      occurredAt: msg.created_at,
      authorId: auth.guest ? null : auth.user.id,
      authorName: auth.user.displayName,
      guestId: auth.guest ? auth.user.id : null,
      functionName: null,
      source: `Salle virtuelle — ${msg.author_name}, ${hhmm(msg.created_at)}`.slice(0, 200),
      text: msg.body,
      important: false,
      tags: [],
      attachments: [],
      correctsId: null,
    });
    const row = await tx
      .updateTable('visio_messages')
      .set({ entry_id: entry.id, copied_by_name: auth.user.displayName })
      .where('id', '=', messageId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: 'logbook.entry_created',
      entityType: 'log_entry',
      entityId: entry.id,
      organisationId: event.organisation_id,
      changes: { eventId, seq: entry.seq, kind: 'entry', fromVisioMessage: messageId, ...(auth.guest ? { guest: auth.guest.name } : {}) },
    });
    const message = presentMessage({ ...row, entry_seq: entry.seq });
    await services.realtime.publish(tx, topicOf('event', eventId), { kind: 'visio.message', message });
    return { row: message, entry };
  });
  const [presented] = await presentEntries(services.db, [entry]);
  return { message: row, entry: presented };
}
