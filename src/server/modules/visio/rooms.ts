import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../../db/schema';
import type { Services } from '../../http/context';
import { AppError } from '../../http/errors';
import type { RealtimeClientHandle, RoomClientFrame, RoomFrameHandler } from '../../realtime/hub';
import { errorMessages, type ErrorCode } from '../../../shared/errors';
import type { SessionEndReason } from '../../../shared/realtime';
import type { VisioLeaveReason, VisioMedia, VisioParticipant, VisioSignalData } from '../../../shared/schemas/visio';
import { eventAccess, lockEvent, lockVisibleEvent, requireVisibleEvent, systemEntry } from '../events';
import { appendEntry } from '../logbook';
import { participantsOf, presentParticipant, type ParticipantRow } from './visio.repository';

const CHANNEL = 'vigie_visio';
/** NOTIFY payloads stop at 8,000 bytes; a larger signal (an SDP offer with many codecs) goes through `visio_signals`. */
const MAX_INLINE_NOTIFY = 7000;
/** Signalling frames a connection may send per minute (a call's offers, answers and trickled ICE candidates take a few dozen). */
const SIGNALS_PER_MINUTE = 1200;
/** Joins a connection may make per minute (each real one writes in the main courante). */
const JOINS_PER_MINUTE = 20;
const SEEN_INTERVAL_MS = 20_000;
/** A participant whose instance stopped saying it is there (a crashed server) is counted out after this. */
const STALE_AFTER_MS = 90_000;

type Note =
  | { kind: 'peer'; op: 'joined' | 'updated' | 'left'; eventId: string; participant: VisioParticipant }
  | { kind: 'signal'; eventId: string; to: string; from: string; data: VisioSignalData }
  | { kind: 'signal.stored'; to: string; id: string }
  /** The participant joined again through another connection (maybe on another instance): the old one lets go silently. */
  | { kind: 'replaced'; participantId: string; instance: string; connection: string };

interface Local {
  participantId: string;
  eventId: string;
  client: RealtimeClientHandle;
}

/** Traffic of the rooms' signalling on this instance (the benchmark reads it). */
export interface VisioTraffic {
  framesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
  notifies: number;
  notifyBytes: number;
}

const LEAVE_TEXT: Record<VisioLeaveReason, string> = {
  left: '',
  connection_lost: ' — connexion perdue',
  access_lost: ' — accès à l’événement retiré',
  session_ended: ' — session terminée',
  event_closed: ' — événement clos',
  replaced: '',
};

/** Not seen by its instance for a while (a crashed server), or disconnected well beyond its grace period. */
function staleSql(graceMs: number) {
  return sql<boolean>`(seen_at < now() - ${STALE_AFTER_MS} * interval '1 millisecond' OR disconnected_at < now() - ${graceMs + STALE_AFTER_MS} * interval '1 millisecond')`;
}

/**
 * A participant's row locked for the transaction, after its event: the order every writer of an
 * event follows. With `staleGraceMs`, only if it is stale (see `staleSql`).
 */
async function lockedParticipant(tx: Kysely<DB>, participantId: string, staleGraceMs?: number): Promise<ParticipantRow | undefined> {
  const found = await tx.selectFrom('visio_participants').select('event_id').where('id', '=', participantId).executeTakeFirst();
  if (!found) return undefined;
  await lockEvent(tx, found.event_id);
  let q = tx.selectFrom('visio_participants').selectAll().where('id', '=', participantId);
  if (staleGraceMs !== undefined) q = q.where(staleSql(staleGraceMs));
  return q.forUpdate().executeTakeFirst();
}

export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'moins d’une minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The virtual rooms of the events, on one server instance. Who is in a room is kept in
 * `visio_participants` (the truth, shared by every instance); joins, changes, leaves and the
 * signalling for a participant held by another instance travel by NOTIFY on `vigie_visio`.
 * Signalling between two participants of this instance goes straight from one socket to the other.
 */
export class VisioRooms implements RoomFrameHandler {
  private readonly byParticipant = new Map<string, Local>();
  private readonly byClient = new Map<string, Local>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private readonly budgets = new Map<string, { count: number; joins: number; resetAt: number }>();
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];
  readonly traffic: VisioTraffic = { framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0, notifies: 0, notifyBytes: 0 };

  constructor(
    private readonly services: Services,
    private readonly log: FastifyBaseLogger,
  ) {}

  private get db(): Kysely<DB> {
    return this.services.db;
  }

  private get instance(): string {
    return this.services.realtime.instance;
  }

  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.services.database.listen(CHANNEL, (p) => this.onNote(p));
    this.timers.push(setInterval(() => void this.tick().catch((err: unknown) => this.log.warn({ err }, 'visio tick failed')), SEEN_INTERVAL_MS).unref());
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    this.timers = [];
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.graceTimers.clear();
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  /** Participants in a room on this instance (tests, diagnostics). */
  get localCount(): number {
    return this.byParticipant.size;
  }

  private send(client: RealtimeClientHandle, frame: Parameters<RealtimeClientHandle['send']>[0]): void {
    this.traffic.framesOut += 1;
    this.traffic.bytesOut += JSON.stringify(frame).length;
    client.send(frame);
  }

  private sendError(client: RealtimeClientHandle, eventId: string, code: ErrorCode): void {
    this.send(client, { type: 'visio.error', eventId, code, message: errorMessages[code] });
  }

  async onFrame(client: RealtimeClientHandle, frame: RoomClientFrame): Promise<void> {
    this.traffic.framesIn += 1;
    this.traffic.bytesIn += JSON.stringify(frame).length;
    try {
      switch (frame.type) {
        case 'visio.join':
          if (++this.budget(client).joins > JOINS_PER_MINUTE) throw new AppError('rate_limited');
          return await this.join(client, frame.eventId, frame.participantId, frame.media);
        case 'visio.leave': {
          const local = this.byClient.get(client.id);
          if (local && local.eventId === frame.eventId) await this.leave(local.participantId, 'left');
          return this.send(client, { type: 'visio.left', eventId: frame.eventId, reason: 'left' });
        }
        case 'visio.media':
          return await this.changeMedia(client, frame.eventId, frame.media);
        case 'visio.signal':
          return await this.relay(client, frame.eventId, frame.to, frame.data);
        default: {
          const never: never = frame;
          return never;
        }
      }
    } catch (err) {
      if (err instanceof AppError) return this.sendError(client, frame.eventId, err.code);
      this.log.error({ err }, 'visio frame failed');
      return this.sendError(client, frame.eventId, 'internal_error');
    }
  }

  private async join(client: RealtimeClientHandle, eventId: string, participantId: string, media: VisioMedia): Promise<void> {
    const auth = client.auth;
    // One room per connection: joining another room leaves the first — once the other is known open to this person.
    const current = this.byClient.get(client.id);
    if (current && current.eventId !== eventId) {
      const target = await requireVisibleEvent(this.db, auth, eventId);
      if (target.status === 'closed') throw new AppError('event_closed');
      await this.leave(current.participantId, 'left');
    }
    const max = this.services.config.visio.maxParticipants;
    const result = await this.db.transaction().execute(async (tx) => {
      const event = await lockVisibleEvent(tx, auth, eventId);
      if (event.status === 'closed') throw new AppError('event_closed');
      const row = await tx.selectFrom('visio_participants').selectAll().where('id', '=', participantId).forUpdate().executeTakeFirst();
      if (row && row.user_id !== auth.user.id) throw new AppError('visio_participant_taken');
      const resumed = !!row && row.left_at === null && row.event_id === eventId;
      if (row && row.left_at === null && row.event_id !== eventId) await this.leaveInTx(tx, row, 'left');
      if (!resumed) {
        const n = await tx
          .selectFrom('visio_participants')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('event_id', '=', eventId)
          .where('left_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (n.n >= max) throw new AppError('visio_room_full', { max });
      }
      const values = {
        event_id: eventId,
        user_id: auth.user.id,
        author_id: auth.guest ? null : auth.user.id,
        guest_id: auth.guest ? auth.user.id : null,
        session_id: auth.sessionId,
        name: auth.user.displayName,
        instance_id: this.instance,
        media: JSON.stringify(media),
        seen_at: event.now,
        disconnected_at: null,
        left_at: null,
        left_reason: null,
        joined_at: resumed ? row.joined_at : event.now,
      };
      const saved = row
        ? await tx.updateTable('visio_participants').set(values).where('id', '=', participantId).returningAll().executeTakeFirstOrThrow()
        : await tx.insertInto('visio_participants').values({ id: participantId, ...values }).returningAll().executeTakeFirstOrThrow();
      if (!resumed) await systemEntry(this.services, tx, auth, event, `${auth.user.displayName} a rejoint la salle virtuelle.`);
      const self = presentParticipant(saved);
      await this.notify(tx, { kind: 'peer', op: resumed ? 'updated' : 'joined', eventId, participant: self });
      if (row && row.left_at === null) await this.notify(tx, { kind: 'replaced', participantId, instance: this.instance, connection: client.id });
      const peers = (await participantsOf(tx, eventId)).filter((p) => p.participantId !== participantId);
      return { self, peers, resumed };
    });
    const timer = this.graceTimers.get(participantId);
    if (timer) clearTimeout(timer);
    this.graceTimers.delete(participantId);
    this.dropLocal(participantId, client.id);
    const local: Local = { participantId, eventId, client };
    this.byParticipant.set(participantId, local);
    this.byClient.set(client.id, local);
    this.send(client, { type: 'visio.joined', eventId, self: result.self, peers: result.peers, resumed: result.resumed });
  }

  /** Forgets a participant held by another connection than `keep` (its old socket), telling that socket. */
  private dropLocal(participantId: string, keep: string): void {
    const old = this.byParticipant.get(participantId);
    if (!old || old.client.id === keep) return;
    this.byParticipant.delete(participantId);
    if (this.byClient.get(old.client.id) === old) this.byClient.delete(old.client.id);
    this.send(old.client, { type: 'visio.left', eventId: old.eventId, reason: 'replaced' });
  }

  private async changeMedia(client: RealtimeClientHandle, eventId: string, media: VisioMedia): Promise<void> {
    const local = this.byClient.get(client.id);
    if (!local || local.eventId !== eventId) throw new AppError('visio_not_joined');
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('visio_participants')
        .set({ media: JSON.stringify(media) })
        .where('id', '=', local.participantId)
        .where('left_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (row) await this.notify(tx, { kind: 'peer', op: 'updated', eventId, participant: presentParticipant(row) });
    });
  }

  private async relay(client: RealtimeClientHandle, eventId: string, to: string, data: VisioSignalData): Promise<void> {
    const local = this.byClient.get(client.id);
    if (!local || local.eventId !== eventId) throw new AppError('visio_not_joined');
    if (++this.budget(client).count > SIGNALS_PER_MINUTE) throw new AppError('rate_limited');
    const target = this.byParticipant.get(to);
    if (target) {
      // Only to someone of the same room.
      if (target.eventId === eventId) this.send(target.client, { type: 'visio.signal', eventId, from: local.participantId, data });
      return;
    }
    const note: Note = { kind: 'signal', eventId, to, from: local.participantId, data };
    if (JSON.stringify(note).length <= MAX_INLINE_NOTIFY) return this.notify(this.db, note);
    const stored = await this.db.insertInto('visio_signals').values({ payload: JSON.stringify(note) }).returning('id').executeTakeFirstOrThrow();
    await this.notify(this.db, { kind: 'signal.stored', to, id: String(stored.id) });
  }

  /** What a connection may still send this minute. */
  private budget(client: RealtimeClientHandle): { count: number; joins: number; resetAt: number } {
    const now = Date.now();
    let budget = this.budgets.get(client.id);
    if (!budget || budget.resetAt <= now) this.budgets.set(client.id, (budget = { count: 0, joins: 0, resetAt: now + 60_000 }));
    return budget;
  }

  private async notify(db: Kysely<DB>, note: Note): Promise<void> {
    const json = JSON.stringify(note);
    this.traffic.notifies += 1;
    this.traffic.notifyBytes += json.length;
    await sql`SELECT pg_notify(${CHANNEL}, ${json})`.execute(db);
  }

  /**
   * Counts a participant out of its room: the row, the main courante entry (« … a quitté la salle
   * virtuelle (12 min) »), the others told. `onlyIfDisconnected`: only if it did not come back meanwhile.
   */
  async leave(participantId: string, reason: VisioLeaveReason, opts: { onlyIfDisconnected?: boolean; detail?: string } = {}): Promise<boolean> {
    const local = this.byParticipant.get(participantId);
    if (local) {
      this.byParticipant.delete(participantId);
      if (this.byClient.get(local.client.id) === local) this.byClient.delete(local.client.id);
    }
    const timer = this.graceTimers.get(participantId);
    if (timer) clearTimeout(timer);
    this.graceTimers.delete(participantId);
    return this.db.transaction().execute(async (tx) => {
      const row = await lockedParticipant(tx, participantId);
      if (!row || row.left_at !== null) return false;
      if (opts.onlyIfDisconnected && (row.disconnected_at === null || row.instance_id !== this.instance)) return false;
      await this.leaveInTx(tx, row, reason, opts.detail);
      return true;
    });
  }

  /** The row is locked and still in the room; its event is locked. */
  private async leaveInTx(tx: Kysely<DB>, row: ParticipantRow, reason: VisioLeaveReason, detail?: string): Promise<void> {
    const event = await lockEvent(tx, row.event_id);
    if (!event) return;
    const left = await tx
      .updateTable('visio_participants')
      .set({ left_at: event.now, left_reason: reason })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const duration = formatDuration(event.now.getTime() - row.joined_at.getTime());
    await appendEntry(tx, this.services.realtime, event, {
      kind: 'system',
      occurredAt: event.now,
      authorId: row.author_id,
      authorName: row.name,
      guestId: row.guest_id,
      functionName: null,
      source: null,
      text: `${row.name} a quitté la salle virtuelle (${duration})${detail ?? LEAVE_TEXT[reason]}.`,
      important: false,
      tags: [],
      attachments: [],
      correctsId: null,
    });
    await this.notify(tx, { kind: 'peer', op: 'left', eventId: row.event_id, participant: presentParticipant(left) });
  }

  onDetach(client: RealtimeClientHandle, reason: SessionEndReason | null): void {
    this.budgets.delete(client.id);
    const local = this.byClient.get(client.id);
    if (!local) return;
    this.byClient.delete(client.id);
    if (this.byParticipant.get(local.participantId) !== local) return;
    const pid = local.participantId;
    if (reason) {
      // Logout, revoked guest link, disabled account...: out at once.
      const detail = reason === 'guest_link_revoked' ? ' — lien d’invitation révoqué' : undefined;
      void this.leave(pid, 'session_ended', { detail }).catch((err: unknown) => this.log.error({ err }, 'visio leave failed'));
      return;
    }
    // The connection dropped (network change, phone asleep): the participant keeps its place for
    // a while; the others see it « reconnexion… » and their media connections may well hold.
    this.byParticipant.delete(pid);
    void this.markDisconnected(pid).catch((err: unknown) => this.log.error({ err }, 'visio disconnect failed'));
    const timer = setTimeout(() => {
      this.graceTimers.delete(pid);
      void this.leave(pid, 'connection_lost', { onlyIfDisconnected: true }).catch((err: unknown) => this.log.error({ err }, 'visio leave failed'));
    }, this.services.config.visio.reconnectGraceMs);
    timer.unref();
    this.graceTimers.set(pid, timer);
  }

  private async markDisconnected(participantId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('visio_participants')
        .set({ disconnected_at: sql`now()` })
        .where('id', '=', participantId)
        .where('instance_id', '=', this.instance)
        .where('left_at', 'is', null)
        .where('disconnected_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (row) await this.notify(tx, { kind: 'peer', op: 'updated', eventId: row.event_id, participant: presentParticipant(row) });
    });
  }

  /** After an access change: whoever may no longer see the event is put out of its room. */
  async recheck(): Promise<void> {
    for (const local of [...this.byParticipant.values()]) {
      const access = await eventAccess(this.db, local.client.auth, { id: local.eventId }).catch(() => 'none' as const);
      if (access !== 'none') continue;
      await this.putOut(local, 'access_lost');
    }
  }

  private async putOut(local: Local, reason: VisioLeaveReason): Promise<void> {
    await this.leave(local.participantId, reason);
    this.send(local.client, { type: 'visio.left', eventId: local.eventId, reason });
  }

  /**
   * Every 20 s: this instance says its participants are still there; closed events empty their
   * rooms; participants of an instance that stopped (crash) or whose grace timer was lost
   * (restart) are counted out.
   */
  async tick(): Promise<void> {
    const ids = [...this.byParticipant.keys()];
    if (ids.length) {
      await this.db.updateTable('visio_participants').set({ seen_at: sql`now()` }).where('id', 'in', ids).where('left_at', 'is', null).execute();
      const closed = await this.db.selectFrom('events').select('id').where('id', 'in', [...new Set([...this.byParticipant.values()].map((l) => l.eventId))]).where('status', '=', 'closed').execute();
      const closedIds = new Set(closed.map((e) => e.id));
      for (const local of [...this.byParticipant.values()]) if (closedIds.has(local.eventId)) await this.putOut(local, 'event_closed');
    }
    const grace = this.services.config.visio.reconnectGraceMs;
    const stale = await this.db
      .selectFrom('visio_participants')
      .select('id')
      .where('left_at', 'is', null)
      .where(staleSql(grace))
      .execute();
    for (const s of stale) {
      if (this.byParticipant.has(s.id) || this.graceTimers.has(s.id)) continue;
      await this.leaveIfStale(s.id, grace);
    }
    await this.db.deleteFrom('visio_signals').where('created_at', '<', sql<Date>`now() - interval '5 minutes'`).execute();
  }

  private async leaveIfStale(participantId: string, grace: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await lockedParticipant(tx, participantId, grace);
      if (row && row.left_at === null) await this.leaveInTx(tx, row, 'connection_lost');
    });
  }

  private onNote(payload: string): void {
    let note: Note;
    try {
      note = JSON.parse(payload) as Note;
    } catch {
      return;
    }
    switch (note.kind) {
      case 'peer':
        for (const local of this.byParticipant.values()) {
          if (local.eventId === note.eventId && local.participantId !== note.participant.participantId) {
            this.send(local.client, { type: 'visio.peer', eventId: note.eventId, op: note.op, participant: note.participant });
          }
        }
        return;
      case 'signal': {
        const target = this.byParticipant.get(note.to);
        if (target && target.eventId === note.eventId) this.send(target.client, { type: 'visio.signal', eventId: note.eventId, from: note.from, data: note.data });
        return;
      }
      case 'signal.stored':
        if (!this.byParticipant.has(note.to)) return;
        void this.db
          .deleteFrom('visio_signals')
          .where('id', '=', note.id)
          .returning('payload')
          .executeTakeFirst()
          .then((r) => {
            if (r) this.onNote(JSON.stringify(r.payload));
          })
          .catch((err: unknown) => this.log.error({ err }, 'visio stored signal failed'));
        return;
      case 'replaced':
        if (note.instance !== this.instance) {
          const old = this.byParticipant.get(note.participantId);
          if (old) this.dropLocal(note.participantId, note.connection);
          const timer = this.graceTimers.get(note.participantId);
          if (timer) clearTimeout(timer);
          this.graceTimers.delete(note.participantId);
        }
        return;
    }
  }
}
