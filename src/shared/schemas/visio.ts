import { z } from 'zod';
import { uuidSchema } from './common';
import { entrySchema } from './logbook';

/**
 * Salle virtuelle (visio) of an event: a WebRTC mesh. Browsers send their media to each other;
 * the server relays only the signalling (offers, answers, ICE candidates) over the authenticated
 * realtime WebSocket, keeps the list of participants and the room's chat.
 */

/** What a participant sends: microphone, camera, screen. */
export const visioMediaSchema = z.strictObject({
  audio: z.boolean(),
  video: z.boolean(),
  screen: z.boolean(),
});
export type VisioMedia = z.infer<typeof visioMediaSchema>;

export const visioParticipantSchema = z.object({
  /** Chosen by the browser tab; the same across its reconnections. */
  participantId: uuidSchema,
  userId: uuidSchema,
  name: z.string(),
  guest: z.boolean(),
  media: visioMediaSchema,
  /** False while the participant's connection to the server is lost (it has a while to come back). */
  connected: z.boolean(),
  joinedAt: z.string(),
});
export type VisioParticipant = z.infer<typeof visioParticipantSchema>;

/** An ICE server as RTCPeerConnection takes it (STUN, or TURN with its credentials). */
export const iceServerSchema = z.strictObject({
  urls: z.union([z.string().regex(/^(stun|stuns|turn|turns):/i), z.array(z.string().regex(/^(stun|stuns|turn|turns):/i)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof iceServerSchema>;

export const VISIO_MESSAGE_MAX = 2000;

export const visioMessageSchema = z.object({
  id: uuidSchema,
  eventId: uuidSchema,
  authorName: z.string(),
  guest: z.boolean(),
  body: z.string(),
  createdAt: z.string(),
  /** The main courante entry the message was copied into, if it was. */
  entryId: uuidSchema.nullable(),
  entrySeq: z.number().int().nullable(),
  copiedByName: z.string().nullable(),
});
export type VisioMessage = z.infer<typeof visioMessageSchema>;

export const visioRoomSchema = z.object({
  eventId: uuidSchema,
  /** Closed events have no room (read only). */
  open: z.boolean(),
  iceServers: z.array(iceServerSchema),
  maxParticipants: z.number().int(),
  participants: z.array(visioParticipantSchema),
  /** The last messages of the chat, oldest first. */
  messages: z.array(visioMessageSchema),
  /** Whether this person may copy a message into the main courante (writes there). */
  canCopyToLogbook: z.boolean(),
});
export type VisioRoom = z.infer<typeof visioRoomSchema>;

export const createVisioMessageBodySchema = z.strictObject({
  body: z
    .string({ message: 'Message requis.' })
    .trim()
    .min(1, { message: 'Message vide.' })
    .max(VISIO_MESSAGE_MAX, { message: `${VISIO_MESSAGE_MAX} caractères au plus.` }),
});

export const copyVisioMessageResultSchema = z.object({ message: visioMessageSchema, entry: entrySchema });

export const visioMessageParamsSchema = z.strictObject({ id: uuidSchema, messageId: uuidSchema });

/** An SDP description or an ICE candidate, relayed as is to one other participant of the room. */
export const visioSignalDataSchema = z.union([
  z.strictObject({
    /** The sender's media connection this belongs to: a new one (page reloaded, link rebuilt) replaces the old at the receiver. */
    link: uuidSchema.optional(),
    /** The receiver's connection the sender is talking to, once known: a signal for a connection the receiver has replaced is dropped. */
    peerLink: uuidSchema.optional(),
    description: z.strictObject({ type: z.enum(['offer', 'answer']), sdp: z.string().max(60_000) }),
  }),
  z.strictObject({
    link: uuidSchema.optional(),
    peerLink: uuidSchema.optional(),
    candidate: z
      .strictObject({
        candidate: z.string().max(2000),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(1023).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .nullable(),
  }),
]);
export type VisioSignalData = z.infer<typeof visioSignalDataSchema>;

/** Why a participant is no longer in a room. */
export const visioLeaveReasons = ['left', 'connection_lost', 'access_lost', 'session_ended', 'event_closed', 'replaced'] as const;
export type VisioLeaveReason = (typeof visioLeaveReasons)[number];
