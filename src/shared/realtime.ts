import { z } from 'zod';
import { announcementSchema } from './schemas/announcements';
import { entrySchema, eventSummarySchema } from './schemas/logbook';
import { uuidSchema } from './schemas/common';
import { campaignSummarySchema, declarationSchema } from './schemas/collection';
import { situationVersionSchema } from './schemas/situation';
import { actionSchema } from './schemas/actions';
import { perimeterSchema } from './schemas/map';
import { resourceSchema } from './schemas/pcs';
import { visioMediaSchema, visioMessageSchema, visioParticipantSchema, visioSignalDataSchema, visioLeaveReasons } from './schemas/visio';

/**
 * Topics are strings "<kind>:<id>": `organisation:<orgId>` (members only: accounts changed...),
 * `announcements:<orgId>` (members and organisations the owner shared its announcements with).
 * Each server module registers the kinds it owns with a policy that decides whether a session may
 * subscribe. `event:<id>` (the event's audience), `campaign:<id>` (members of the prefecture that
 * runs the collection campaign, and no one else).
 */
export const topicKinds = ['organisation', 'announcements', 'event', 'campaign'] as const;
export type TopicKind = (typeof topicKinds)[number];

export const topicSchema = z
  .string()
  .max(128)
  .regex(/^[a-z]+:[0-9a-f-]{36}$/, { message: 'Sujet invalide.' });

export function topicOf(kind: TopicKind, id: string): string {
  return `${kind}:${id}`;
}

export function parseTopic(topic: string): { kind: string; id: string } | null {
  const m = /^([a-z]+):([0-9a-f-]{36})$/.exec(topic);
  return m ? { kind: m[1], id: m[2] } : null;
}

/** Why a session ended, as sent in `session.ended.reason`. */
export const sessionEndReasons = ['logout', 'logout_all', 'password_changed', 'password_reset', 'account_disabled', 'role_changed', 'session_expired', 'guest_link_revoked'] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

/** What happened, as carried inside a `message` frame. */
export const realtimeEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('announcement.created'), announcement: announcementSchema }),
  z.object({ kind: z.literal('users.changed'), userId: uuidSchema }),
  z.object({ kind: z.literal('entry.created'), entry: entrySchema }),
  /** The event's own fields; its tree (parents, sub-events) is reloaded per person, who may not see every sub-event. */
  z.object({ kind: z.literal('event.updated'), event: eventSummarySchema }),
  /**
   * On `organisation:<id>`: events of the organisation were opened, restricted or widened; lists
   * reload (the message names nothing: a person may not see them).
   */
  z.object({ kind: z.literal('events.changed') }),
  /** On `event:<id>`: a new version of the situation analysis. */
  z.object({ kind: z.literal('situation.updated'), eventId: uuidSchema, version: situationVersionSchema }),
  /**
   * On `organisation:<id>`: an action of one of the organisation's events was created or changed;
   * action boards reload (the message names nothing: a person may not see the event).
   */
  z.object({ kind: z.literal('actions.changed') }),
  /** On `event:<id>`: an action was created or changed status (`canChange` is false here: each client recomputes it). */
  z.object({ kind: z.literal('action.updated'), action: actionSchema }),
  /**
   * On `event:<id>`: a perimeter of the event's map was drawn, changed or removed (`perimeter` is
   * null when removed). The main courante entry of the change arrives as `entry.created`.
   */
  z.object({
    kind: z.literal('perimeter.changed'),
    eventId: uuidSchema,
    change: z.enum(['created', 'updated', 'deleted']),
    perimeterId: uuidSchema,
    perimeter: perimeterSchema.nullable(),
  }),
  /**
   * Map layers were added, restyled or removed: on `organisation:<id>` for the layers shared by the
   * organisation's events (`eventId` null), on `event:<id>` for those attached to the event. Maps reload
   * their list of layers.
   */
  z.object({ kind: z.literal('mapLayers.changed'), eventId: uuidSchema.nullable() }),
  /**
   * Plan communal de sauvegarde, on `organisation:<id>`: the resources board and the plan pages
   * reload what their reader may see (`part` says which). Names nothing: an engagement on an event
   * the reader may not see must not leak through it.
   */
  z.object({ kind: z.literal('plan.changed'), part: z.enum(['resources', 'risks', 'directory', 'sites', 'upkeep']) }),
  /** On `event:<id>`: a resource was engaged on the event, released from it, or its occupancy changed. */
  z.object({ kind: z.literal('resource.updated'), eventId: uuidSchema, resource: resourceSchema }),
  /** On `event:<id>`: a reflex sheet was started in the event (its steps are the event's actions). */
  z.object({ kind: z.literal('reflex.started'), eventId: uuidSchema, sheetId: uuidSchema }),
  /** On `event:<id>`: a message of the event's virtual room chat, new or just copied into the main courante. */
  z.object({ kind: z.literal('visio.message'), message: visioMessageSchema }),
  /** On `campaign:<id>` (members of the prefecture that runs it): a campaign created or changed. */
  z.object({ kind: z.literal('campaign.updated'), campaign: campaignSummarySchema }),
  /** On `campaign:<id>`: a declaration submitted or corrected. */
  z.object({ kind: z.literal('declaration.saved'), declaration: declarationSchema, correction: z.boolean() }),
  /** On `campaign:<id>`: the stored detection of these communes (and of the department) was recomputed from `from` on. */
  z.object({ kind: z.literal('detection.updated'), campaignId: uuidSchema, areas: z.array(z.string()), from: z.string() }),
  /** On `campaign:<id>`: declarations were imported (back-filled) in one go; dashboards reload. */
  z.object({ kind: z.literal('declarations.imported'), campaignId: uuidSchema, count: z.number().int(), from: z.string(), to: z.string() }),
]);
export type RealtimeEvent = z.infer<typeof realtimeEventSchema>;

/** Frames sent by a client. `since` is the last sequence number the client saw on that topic. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), topic: topicSchema, since: z.number().int().min(0).optional() }),
  z.strictObject({ type: z.literal('unsubscribe'), topic: topicSchema }),
  z.strictObject({ type: z.literal('ping'), id: z.number().int().optional() }),
  /**
   * Virtual room of an event (WebRTC mesh): join it (again after a reconnection, with the same
   * `participantId`), leave it, say what one sends, relay an offer / answer / ICE candidate to
   * one other participant. The server never sees media.
   */
  z.strictObject({ type: z.literal('visio.join'), eventId: uuidSchema, participantId: uuidSchema, media: visioMediaSchema }),
  z.strictObject({ type: z.literal('visio.leave'), eventId: uuidSchema }),
  z.strictObject({ type: z.literal('visio.media'), eventId: uuidSchema, media: visioMediaSchema }),
  z.strictObject({ type: z.literal('visio.signal'), eventId: uuidSchema, to: uuidSchema, data: visioSignalDataSchema }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Frames sent by the server. */
export const serverFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), sessionExpiresAt: z.string() }),
  z.object({ type: z.literal('subscribed'), topic: z.string(), seq: z.number().int() }),
  z.object({ type: z.literal('unsubscribed'), topic: z.string() }),
  z.object({ type: z.literal('message'), topic: z.string(), seq: z.number().int(), at: z.string(), event: realtimeEventSchema }),
  /** Too much was missed to replay: the client reloads the topic's state from the HTTP API. */
  z.object({ type: z.literal('resync'), topic: z.string(), seq: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), topic: z.string().optional() }),
  z.object({ type: z.literal('pong'), id: z.number().int().optional() }),
  /** Who is viewing a topic right now (across every server instance). */
  z.object({ type: z.literal('presence'), topic: z.string(), viewers: z.array(z.object({ userId: z.string(), name: z.string() })) }),
  /** The session ended (logout, logout everywhere, disabled account, expiry): the socket closes. */
  z.object({ type: z.literal('session.ended'), reason: z.enum(sessionEndReasons) }),
  /**
   * In the room: who is there (`resumed`: the participant came back within its grace period; the
   * media connections still up are kept). The newcomer calls each of `peers`.
   */
  z.object({ type: z.literal('visio.joined'), eventId: z.string(), self: visioParticipantSchema, peers: z.array(visioParticipantSchema), resumed: z.boolean() }),
  /** Someone joined, changed what they send, lost or got back their connection, or left. */
  z.object({ type: z.literal('visio.peer'), eventId: z.string(), op: z.enum(['joined', 'updated', 'left']), participant: visioParticipantSchema }),
  z.object({ type: z.literal('visio.signal'), eventId: z.string(), from: z.string(), data: visioSignalDataSchema }),
  /** Out of the room: left, or put out (access withdrawn, guest link revoked, event closed). */
  z.object({ type: z.literal('visio.left'), eventId: z.string(), reason: z.enum(visioLeaveReasons) }),
  z.object({ type: z.literal('visio.error'), eventId: z.string(), code: z.string(), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

/** Close code used when the session ends; clients must not reconnect with the same session. */
export const WS_CLOSE_SESSION_ENDED = 4401;
export const WS_CLOSE_FORBIDDEN = 4403;
