import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB, GuestLinkRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import {
  GUEST_LINK_MAX_DAYS,
  GUEST_SUFFIX,
  type CreateGuestLinkBody,
  type GuestInvitation,
  type GuestJoinBody,
  type GuestLink,
} from '../../../shared/schemas/rights';
import { recordAudit } from '../audit';
import { authenticate, insertGuestSession, type LoginResult } from '../auth';
import { lockEvent, lockManagedEvent, requireManagedEvent, systemEntry } from '../events';
import { appendEntry } from '../logbook';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const dateFr = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

type LinkWithNames = GuestLinkRow & { created_by_name: string; guests: string[] };

function present(r: LinkWithNames, now: Date): GuestLink {
  return {
    id: r.id,
    eventId: r.event_id,
    label: r.label,
    access: r.access,
    includeChildren: r.include_children,
    expiresAt: r.expires_at.toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
    createdByName: r.created_by_name,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
    useCount: r.use_count,
    guests: r.guests,
    state: r.revoked_at ? 'revoked' : r.expires_at <= now ? 'expired' : 'active',
  };
}

function linksQuery(db: Kysely<DB>) {
  return db
    .selectFrom('guest_links as l')
    .innerJoin('users as u', 'u.id', 'l.created_by')
    .selectAll('l')
    .select('u.display_name as created_by_name')
    .select(sql<string[]>`coalesce((SELECT array_agg(DISTINCT g.name) FROM guest_sessions g WHERE g.link_id = l.id), '{}')`.as('guests'));
}

export async function listGuestLinks(services: Services, auth: AuthContext, eventId: string): Promise<GuestLink[]> {
  await requireManagedEvent(services.db, auth, eventId);
  const rows = await linksQuery(services.db).where('l.event_id', '=', eventId).orderBy('l.created_at', 'desc').execute();
  const now = new Date();
  return rows.map((r) => present(r, now));
}

const accessWords = (l: { access: string; include_children: boolean }) =>
  `${l.access === 'write' ? 'contribution' : 'lecture seule'}${l.include_children ? ', sous-événements compris' : ''}`;

/** A 128-bit random link, shown once; only its SHA-256 is kept. */
export async function createGuestLink(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: CreateGuestLinkBody) {
  const expiresAt = new Date(body.expiresAt);
  const now = Date.now();
  if (expiresAt.getTime() <= now + 60_000 || expiresAt.getTime() > now + GUEST_LINK_MAX_DAYS * 86_400_000) {
    throw new AppError('validation_failed', [{ path: 'expiresAt', code: 'out_of_range', message: `L’échéance doit être dans le futur, à ${GUEST_LINK_MAX_DAYS} jours au plus.` }]);
  }
  const token = randomBytes(16).toString('base64url');
  const id = await services.db.transaction().execute(async (tx) => {
    const e = await lockManagedEvent(tx, auth, eventId);
    if (e.status === 'closed') throw new AppError('event_closed');
    const row = await tx
      .insertInto('guest_links')
      .values({
        organisation_id: e.organisation_id,
        event_id: eventId,
        token_hash: sha256(token),
        label: body.label,
        access: body.access,
        include_children: body.includeChildren,
        expires_at: expiresAt,
        created_by: auth.user.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await systemEntry(services, tx, auth, e, `Invitation « ${row.label} » créée par ${auth.user.displayName} (${accessWords(row)}, jusqu’au ${dateFr.format(expiresAt)}).`);
    await recordAudit(tx, actor, {
      action: 'guest_link.created',
      entityType: 'guest_link',
      entityId: row.id,
      organisationId: e.organisation_id,
      changes: { eventId, label: row.label, access: row.access, includeChildren: row.include_children, expiresAt: expiresAt.toISOString() },
    });
    return row.id;
  });
  const row = await linksQuery(services.db).where('l.id', '=', id).executeTakeFirstOrThrow();
  return { link: present(row, new Date()), token, path: `/invite#${token}` };
}

/** Revokes a link at once: its guests' sessions end on every instance, open WebSockets included. */
export async function revokeGuestLink(services: Services, auth: AuthContext, actor: Actor, linkId: string): Promise<GuestLink> {
  await services.db.transaction().execute(async (tx) => {
    const link = await tx.selectFrom('guest_links').selectAll().where('id', '=', linkId).forUpdate().executeTakeFirst();
    if (!link) throw notFound();
    const e = await lockManagedEvent(tx, auth, link.event_id);
    if (link.revoked_at) return; // already revoked: nothing more to do
    await tx.updateTable('guest_links').set({ revoked_at: sql`now()`, revoked_by: auth.user.id }).where('id', '=', linkId).execute();
    // Sessions stay (names shown in the list) but no longer authenticate: the link is checked on every request.
    const sessions = await tx.selectFrom('guest_sessions').select('id').where('link_id', '=', linkId).execute();
    if (sessions.length) await services.realtime.endSessions(tx, { sessionIds: sessions.map((s) => s.id) }, 'guest_link_revoked');
    if (e.status !== 'closed') await systemEntry(services, tx, auth, e, `Invitation « ${link.label} » révoquée par ${auth.user.displayName}.`);
    await recordAudit(tx, actor, {
      action: 'guest_link.revoked',
      entityType: 'guest_link',
      entityId: linkId,
      organisationId: link.organisation_id,
      changes: { eventId: link.event_id, label: link.label, sessionsEnded: sessions.length },
    });
  });
  const row = await linksQuery(services.db).where('l.id', '=', linkId).executeTakeFirstOrThrow();
  return present(row, new Date());
}

/** The link behind a token, if it can still be used; otherwise the precise reason. */
function usable(link: GuestLinkRow | undefined): GuestLinkRow {
  if (!link) throw new AppError('guest_link_invalid');
  if (link.revoked_at) throw new AppError('guest_link_revoked');
  if (link.expires_at.getTime() <= Date.now()) throw new AppError('guest_link_expired');
  return link;
}

export async function checkGuestLink(services: Services, token: string): Promise<GuestInvitation> {
  const link = usable(await services.db.selectFrom('guest_links').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst());
  const e = await services.db
    .selectFrom('events as e')
    .innerJoin('organisations as o', 'o.id', 'e.organisation_id')
    .select(['e.title', 'o.name'])
    .where('e.id', '=', link.event_id)
    .executeTakeFirstOrThrow();
  return { eventId: link.event_id, eventTitle: e.title, hostOrganisation: e.name, access: link.access, includeChildren: link.include_children, expiresAt: link.expires_at.toISOString() };
}

/** Opens a guest session with a valid link and a name; the arrival is written in the main courante. */
export async function joinAsGuest(services: Services, body: GuestJoinBody, ip: string, userAgent: string | null): Promise<LoginResult & { expiresAt: Date }> {
  const result = await services.db.transaction().execute(async (tx) => {
    const link = usable(await tx.selectFrom('guest_links').selectAll().where('token_hash', '=', sha256(body.token)).forUpdate().executeTakeFirst());
    await tx.updateTable('guest_links').set({ use_count: sql`use_count + 1`, last_used_at: sql`now()` }).where('id', '=', link.id).execute();
    const session = await insertGuestSession(tx, link, body.name, ip, userAgent);
    const e = (await lockEvent(tx, link.event_id))!;
    if (e.status !== 'closed') {
      await appendEntry(tx, services.realtime, e, {
        kind: 'system',
        occurredAt: e.now,
        authorId: null,
        authorName: `${body.name}${GUEST_SUFFIX}`,
        guestId: session.guestId,
        functionName: null,
        source: null,
        text: `${body.name}${GUEST_SUFFIX} a rejoint l’événement avec l’invitation « ${link.label} » (${accessWords(link)}).`,
        important: false,
        tags: [],
        attachments: [],
        correctsId: null,
      });
    }
    await recordAudit(tx, { userId: session.guestId, organisationId: null, ip }, {
      action: 'guest.joined',
      entityType: 'guest_link',
      entityId: link.id,
      organisationId: link.organisation_id,
      changes: { name: body.name, eventId: link.event_id },
    });
    return { rawToken: session.rawToken, expiresAt: link.expires_at };
  });
  const auth = await authenticate(services, result.rawToken);
  if (!auth) throw new AppError('internal_error');
  return { rawToken: result.rawToken, auth, expiresAt: result.expiresAt };
}
