// Rights per event type, function and person; partners; guests by link; the situation analysis;
// actions. The matrix walks the route table: every route about one event, for every principal.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, buildWorld } from '../fixtures/factories';
import type { DB, UserRow } from '../../src/server/db/schema';
import { buildPath, routeIds, routes, type RouteDef, type RouteId } from '../../src/shared/routes';
import { topicOf } from '../../src/shared/realtime';
import type { EventDetail, EventSummary, Entry } from '../../src/shared/schemas/logbook';
import type { Situation } from '../../src/shared/schemas/situation';
import type { Action } from '../../src/shared/schemas/actions';
import { countRows, expectError, send, serverErrors, signIn, WsClient, nextIp } from './support';

let t: TestApp;
let db: Kysely<DB>;
let port: number;

async function json<T>(res: { statusCode: number; body: string; json: () => unknown }, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

async function idOf(table: 'event_types' | 'crisis_functions' | 'action_tags', organisationId: string, name: string): Promise<string> {
  return (await db.selectFrom(table).select('id').where('organisation_id', '=', organisationId).where('name', '=', name).executeTakeFirstOrThrow()).id;
}

async function joinAsGuest(token: string, name: string): Promise<Session & { setCookieMaxAge: number }> {
  const res = await send(t.app, null, 'POST', '/api/guest/join', { json: { token, name } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((k) => k.name === 'vigie_session')!;
  const info = res.json() as Session['info'];
  return { cookie: `vigie_session=${cookie.value}`, csrf: info.csrfToken, info, setCookieMaxAge: Number(cookie.maxAge) };
}

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  db = t.db.database.db;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t?.close());

describe('rights per event type, function and person', () => {
  // The city A, its people, and partners with different shares.
  let w: Awaited<ReturnType<typeof buildWorld>>;
  let people: Record<string, { user: UserRow; session: Session }>;
  let sanitaire: string;
  let director: string;
  let communication: string;
  let restricted: EventDetail;
  let sub: EventDetail;
  let narrow: EventDetail;
  let open: EventDetail;
  let entryText: string;
  let entryId: string;
  let guestOfEvent: Session;
  let guestElsewhere: Session;

  /** Who sees what: principal → visible events among [restricted, sub, narrow]. */
  let expected: Record<string, { sees: Array<'restricted' | 'sub' | 'narrow'>; writes: Array<'restricted' | 'sub' | 'narrow'> }>;

  beforeAll(async () => {
    w = await buildWorld(db);
    const A = w.a.id;
    sanitaire = await idOf('event_types', A, 'Crise sanitaire');
    director = await idOf('crisis_functions', A, 'Directeur des opérations');
    communication = await idOf('crisis_functions', A, 'Cellule communication');
    const mk = async (key: string, organisationId: string, role: UserRow['role']) => {
      const user = await buildUser(db, { organisationId, role, displayName: `Personne ${key}` });
      return [key, { user, session: await signIn(t.app, user.email) }] as const;
    };
    const partnerEvent = await buildOrganisation(db, { kind: 'partner', name: `SDIS partenaire ${Date.now()}` });
    const partnerAll = await buildOrganisation(db, { kind: 'partner', name: `Croix-Rouge partenaire ${Date.now()}` });
    const partnerType = await buildOrganisation(db, { kind: 'partner', name: `ARS partenaire ${Date.now()}` });
    people = Object.fromEntries(
      await Promise.all([
        mk('admin', A, 'administrator'),
        mk('coordDirector', A, 'coordinator'),
        mk('coordOut', A, 'coordinator'),
        mk('contribNamed', A, 'contributor'),
        mk('readerComm', A, 'reader'),
        mk('contribComm', A, 'contributor'),
        mk('readerOut', A, 'reader'),
        mk('contribOut', A, 'contributor'),
        mk('otherOrg', w.b.id, 'administrator'),
        mk('partnerEvent', partnerEvent.id, 'contributor'),
        mk('partnerAll', partnerAll.id, 'contributor'),
        mk('partnerType', partnerType.id, 'reader'),
      ]),
    );
    const admin = people.admin.session;
    // Functions are given by the administrator through the API.
    await json(await send(t.app, admin, 'PATCH', `/api/users/${people.coordDirector.user.id}`, { json: { functionIds: [director] } }));
    for (const k of ['readerComm', 'contribComm']) await json(await send(t.app, admin, 'PATCH', `/api/users/${people[k].user.id}`, { json: { functionIds: [communication] } }));
    // "Crise sanitaire" restricted to a watch list: the director function (write), a named contributor (write), communication (read).
    const ta = await send(t.app, admin, 'PUT', `/api/event-types/${sanitaire}/audience`, {
      json: {
        mode: 'restricted',
        grants: [
          { kind: 'function', functionId: director, access: 'write' },
          { kind: 'user', userId: people.contribNamed.user.id, access: 'write' },
          { kind: 'function', functionId: communication, access: 'read' },
        ],
      },
    });
    expect((await json<{ mode: string; grants: unknown[] }>(ta)).grants).toHaveLength(3);
    const coord = people.coordDirector.session;
    restricted = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: sanitaire, title: 'Cluster de gastro-entérite EHPAD Les Tilleuls', severity: 2 } }), 201);
    entryText = 'Prélèvements confiés au laboratoire départemental Tilleuls';
    entryId = (await json<Entry>(await send(t.app, coord, 'POST', `/api/events/${restricted.id}/entries`, { json: { text: entryText } }), 201)).id;
    sub = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: sanitaire, title: 'Cellule d’écoute des familles', parentId: restricted.id } }), 201);
    narrow = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: sanitaire, title: 'Décisions du directeur seul', parentId: restricted.id } }), 201);
    await json(await send(t.app, coord, 'PUT', `/api/events/${narrow.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'function', functionId: director, access: 'write' }] } }));
    open = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: await idOf('event_types', A, 'Inondation'), title: 'Crue du Lez', severity: 1 } }), 201);
    // Partners: an explicit share of the restricted event; a share of all events; a share of the type.
    await json(await send(t.app, admin, 'POST', '/api/shares', { json: { granteeOrganisationId: partnerEvent.id, resourceType: 'events', resourceId: restricted.id, access: 'write' } }), 201);
    await json(await send(t.app, admin, 'POST', '/api/shares', { json: { granteeOrganisationId: partnerAll.id, resourceType: 'events', resourceId: null, access: 'read' } }), 201);
    await json(await send(t.app, admin, 'POST', '/api/shares', { json: { granteeOrganisationId: partnerType.id, resourceType: 'event_types', resourceId: sanitaire, access: 'read' } }), 201);
    // Guests: one invited to the restricted event (without sub-events), one to the open event.
    const link = await json<{ token: string }>(await send(t.app, coord, 'POST', `/api/events/${restricted.id}/guest-links`, { json: { label: 'Médecin coordonnateur', access: 'write', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }), 201);
    guestOfEvent = await joinAsGuest(link.token, 'Dr Martin');
    const other = await json<{ token: string }>(await send(t.app, coord, 'POST', `/api/events/${open.id}/guest-links`, { json: { label: 'Météo-France', access: 'write', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }), 201);
    guestElsewhere = await joinAsGuest(other.token, 'Prévisionniste');

    const all = ['restricted', 'sub', 'narrow'] as const;
    expected = {
      admin: { sees: [...all], writes: [...all] },
      coordDirector: { sees: [...all], writes: [...all] },
      coordOut: { sees: [], writes: [] },
      contribNamed: { sees: ['restricted', 'sub'], writes: ['restricted', 'sub'] },
      readerComm: { sees: ['restricted', 'sub'], writes: [] },
      contribComm: { sees: ['restricted', 'sub'], writes: [] },
      readerOut: { sees: [], writes: [] },
      contribOut: { sees: [], writes: [] },
      otherOrg: { sees: [], writes: [] },
      partnerEvent: { sees: ['restricted', 'sub'], writes: ['restricted', 'sub'] },
      partnerAll: { sees: [], writes: [] },
      partnerType: { sees: ['restricted', 'sub'], writes: [] },
      guestOfEvent: { sees: ['restricted'], writes: ['restricted'] },
      guestElsewhere: { sees: [], writes: [] },
    };
  });

  const sessionOf = (k: string): Session => (k === 'guestOfEvent' ? guestOfEvent : k === 'guestElsewhere' ? guestElsewhere : people[k].session);
  const eventOf = (k: 'restricted' | 'sub' | 'narrow') => ({ restricted, sub, narrow })[k];

  /** Every GET route of the table about one event (`/api/events/:id/...`), with a valid query. */
  const eventReadRoutes = routeIds.filter((id) => {
    const def: RouteDef = routes[id];
    return def.method === 'GET' && def.path.startsWith('/api/events/:id');
  });
  const queryFor: Partial<Record<RouteId, string>> = { exportEventCsv: '?includeChildren=true', exportEventPdf: '?includeChildren=false', listEntries: '?limit=5' };

  it('every event route answers each principal exactly as the audience says (404 when hidden, never 403)', async () => {
    expect(eventReadRoutes.length).toBeGreaterThanOrEqual(9);
    let checked = 0;
    for (const [who, exp] of Object.entries(expected)) {
      const s = sessionOf(who);
      for (const which of ['restricted', 'sub', 'narrow'] as const) {
        const ev = eventOf(which);
        for (const id of eventReadRoutes) {
          const def: RouteDef = routes[id];
          const res = await send(t.app, s, 'GET', buildPath(def.path, { id: ev.id }) + (queryFor[id] ?? ''));
          const label = `${who} ${id} ${which}: ${res.statusCode} ${res.body.slice(0, 200)}`;
          if (exp.sees.includes(which)) {
            // Visible: 200, or a refusal of the role/route that never hides existence behind a 404
            // (management routes are coordinators', guests reach only routes marked for them).
            if (res.statusCode !== 200) expect(['forbidden', 'guest_forbidden'], label).toContain(res.json().error.code);
          } else if (who.startsWith('guest') && !(routes[id] as RouteDef).guest) {
            expectError(res, 'guest_forbidden');
          } else if (res.statusCode === 403) {
            expectError(res, 'forbidden'); // the role lacks the route's permission: said before looking at the event
          } else {
            expect(res.statusCode, label).toBe(404);
            expect(res.body).not.toContain(ev.title);
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(Object.keys(expected).length * 3 * eventReadRoutes.length);
    // An entry of the restricted event, read by its own address.
    for (const [who, exp] of Object.entries(expected)) {
      const res = await send(t.app, sessionOf(who), 'GET', `/api/entries/${entryId}`);
      if (exp.sees.includes('restricted')) expect(res.statusCode, who).toBe(200);
      else {
        expectError(res, 'not_found');
        expect(res.body).not.toContain('Tilleuls');
      }
    }
  });

  it('lists, counts, search and the action board hold nothing hidden (no title, no snippet)', async () => {
    for (const [who, exp] of Object.entries(expected)) {
      if (who.startsWith('guest')) continue;
      const s = sessionOf(who);
      const list = await json<{ events: EventSummary[] }>(await send(t.app, s, 'GET', '/api/events?limit=500'));
      const ids = list.events.map((e) => e.id);
      for (const which of ['restricted', 'sub', 'narrow'] as const) expect(ids.includes(eventOf(which).id), `${who} list ${which}`).toBe(exp.sees.includes(which));
      const parent = list.events.find((e) => e.id === restricted.id);
      if (parent) expect(parent.childCount, `${who} childCount`).toBe(exp.sees.includes('narrow') ? 2 : 1);
      const search = await send(t.app, s, 'GET', '/api/search?q=Tilleuls&limit=50');
      expect(search.statusCode).toBe(200);
      if (exp.sees.includes('restricted')) expect(search.body).toContain('Tilleuls');
      else {
        expect(search.json().total, who).toBe(0);
        expect(search.body).not.toContain('Tilleuls');
        expect(search.body).not.toContain('laboratoire');
      }
    }
    // Exports with sub-events hold only the sub-events one may see.
    const csvNamed = await send(t.app, people.contribNamed.session, 'GET', `/api/events/${restricted.id}/export.csv?includeChildren=true`);
    expect(csvNamed.body).toContain('Cellule d’écoute des familles');
    expect(csvNamed.body).not.toContain('Décisions du directeur seul');
    const csvAdmin = await send(t.app, people.admin.session, 'GET', `/api/events/${restricted.id}/export.csv?includeChildren=true`);
    expect(csvAdmin.body).toContain('Décisions du directeur seul');
    // Event types: a restricted type is not offered to someone outside its list.
    const typesOut = await json<{ items: Array<{ id: string }> }>(await send(t.app, people.readerOut.session, 'GET', '/api/event-types'));
    expect(typesOut.items.map((i) => i.id)).not.toContain(sanitaire);
    const typesIn = await json<{ items: Array<{ id: string }> }>(await send(t.app, people.contribNamed.session, 'GET', '/api/event-types'));
    expect(typesIn.items.map((i) => i.id)).toContain(sanitaire);
    expectError(await send(t.app, people.coordOut.session, 'POST', '/api/events', { json: { typeId: sanitaire, title: 'Essai' } }), 'unknown_event_type');
    // The detail of the parent lists only the sub-events one may see.
    const forNamed = await json<EventDetail>(await send(t.app, people.contribNamed.session, 'GET', `/api/events/${restricted.id}`));
    expect(forNamed.children.map((c) => c.id)).toEqual([sub.id]);
    expect(forNamed.myAccess).toEqual({ write: true, manage: false });
  });

  it('writes follow the audience: a read grant cannot write, a hidden event answers 404, and nothing is stored', async () => {
    for (const [who, exp] of Object.entries(expected)) {
      const s = sessionOf(who);
      for (const which of ['restricted', 'narrow'] as const) {
        const before = await countRows(db);
        const res = await send(t.app, s, 'POST', `/api/events/${eventOf(which).id}/entries`, { json: { text: `Écrit par ${who}` } });
        if (exp.writes.includes(which)) {
          expect(res.statusCode, `${who} ${which} ${res.body}`).toBe(201);
          continue;
        }
        // Hidden: 404; a role without the route's permission is refused before the event is looked at.
        if (!exp.sees.includes(which)) expect(res.statusCode === 404 || (res.statusCode === 403 && res.json().error.code === 'forbidden'), `${who} ${which} ${res.body}`).toBe(true);
        else expect([403], `${who} ${which} ${res.body}`).toContain(res.statusCode);
        expect(await countRows(db)).toEqual(before);
      }
    }
    // A guest's entry is marked as a guest's, with the name given.
    const page = await json<{ entries: Entry[] }>(await send(t.app, people.admin.session, 'GET', `/api/events/${restricted.id}/entries?limit=50`));
    const byGuest = page.entries.find((e) => e.text === 'Écrit par guestOfEvent')!;
    expect(byGuest).toMatchObject({ byGuest: true, authorId: null, authorName: 'Dr Martin (invité)' });
  });

  it('realtime: each principal may subscribe exactly to the events it sees', async () => {
    for (const [who, exp] of Object.entries(expected)) {
      const ws = await WsClient.connect(port, sessionOf(who));
      for (const which of ['restricted', 'sub', 'narrow'] as const) {
        const f = await ws.subscribe(topicOf('event', eventOf(which).id));
        expect(f.type, `${who} ${which}`).toBe(exp.sees.includes(which) ? 'subscribed' : 'error');
      }
      // Guests reach no other kind of topic, not even the host's organisation.
      if (who.startsWith('guest')) {
        for (const topic of [topicOf('organisation', w.a.id), topicOf('announcements', w.a.id)]) expect((await ws.subscribe(topic)).type, `${who} ${topic}`).toBe('error');
      }
      await ws.close();
    }
  });

  it('widening is one logged action: the reader outside the list sees the event at once, live; restricting again closes the subscription', async () => {
    const reader = people.readerOut.session;
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('organisation', w.a.id))).type).toBe('subscribed');
    expectError(await send(t.app, people.contribNamed.session, 'PUT', `/api/events/${restricted.id}/audience`, { json: { mode: 'organisation', grants: [] } }), 'forbidden');
    expectError(await send(t.app, people.coordDirector.session, 'PUT', `/api/events/${sub.id}/audience`, { json: { mode: 'organisation', grants: [] } }), 'audience_sub_event');
    const widened = await json<{ mode: string; readers: number }>(await send(t.app, people.coordDirector.session, 'PUT', `/api/events/${restricted.id}/audience`, { json: { mode: 'organisation', grants: [] } }));
    expect(widened.mode).toBe('organisation');
    const note = await ws.next((f) => f.type === 'message' && f.topic === topicOf('organisation', w.a.id));
    expect(note).toMatchObject({ event: { kind: 'events.changed' } });
    expect(JSON.stringify(note)).not.toContain('Tilleuls');
    const list = await json<{ events: EventSummary[] }>(await send(t.app, reader, 'GET', '/api/events'));
    expect(list.events.map((e) => e.id)).toContain(restricted.id);
    expect(list.events.map((e) => e.id)).not.toContain(narrow.id); // its own list still applies
    const page = await json<{ entries: Entry[] }>(await send(t.app, reader, 'GET', `/api/events/${restricted.id}/entries?limit=5`));
    expect(page.entries[0].text).toBe(`Audience élargie à toute l’organisation par ${people.coordDirector.user.display_name}.`);
    expect(page.entries[0].important).toBe(true);
    // Restricting again: the reader's open subscription ends with not_found.
    expect((await ws.subscribe(topicOf('event', restricted.id))).type).toBe('subscribed');
    await json(await send(t.app, people.coordDirector.session, 'PUT', `/api/events/${restricted.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] } }));
    const ended = await ws.next((f) => f.type === 'error' && f.topic === topicOf('event', restricted.id));
    expect(ended).toMatchObject({ code: 'not_found' });
    expectError(await send(t.app, reader, 'GET', `/api/events/${restricted.id}`), 'not_found');
    // A list that would lock its author out is refused, nothing changes.
    expectError(
      await send(t.app, people.coordDirector.session, 'PUT', `/api/events/${restricted.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'reader', access: 'read' }] } }),
      'audience_lockout',
    );
    expectError(
      await send(t.app, people.coordDirector.session, 'PUT', `/api/events/${restricted.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'user', userId: people.otherOrg.user.id, access: 'read' }] } }),
      'audience_invalid',
    );
    await json(await send(t.app, people.coordDirector.session, 'PUT', `/api/events/${restricted.id}/audience`, { json: { mode: 'inherit', grants: [] } }));
    await ws.close();
  });
});

describe('guests by link', () => {
  let w: Awaited<ReturnType<typeof buildWorld>>;
  let coord: Session;
  let event: EventDetail;
  let child: EventDetail;

  beforeAll(async () => {
    w = await buildWorld(db);
    coord = await signIn(t.app, w.usersA.coordinator.email);
    const type = await idOf('event_types', w.a.id, 'Inondation');
    event = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: type, title: 'Crue de la Mosson' } }), 201);
    child = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: type, title: 'Gymnase Grammont (hébergement)', parentId: event.id } }), 201);
  });

  const createLink = async (body: Record<string, unknown>) =>
    send(t.app, coord, 'POST', `/api/events/${event.id}/guest-links`, { json: { label: 'Préfecture — COD', access: 'write', expiresAt: new Date(Date.now() + 3600_000).toISOString(), ...body } });

  it('a link is 128 bits, shown once, stored hashed; the guest names themself and writes as a guest', async () => {
    const created = await json<{ token: string; path: string; link: { id: string; state: string } }>(await createLink({}), 201);
    expect(Buffer.from(created.token, 'base64url')).toHaveLength(16);
    expect(created.path).toBe(`/invite#${created.token}`);
    const stored = await db.selectFrom('guest_links').selectAll().where('id', '=', created.link.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(created.token);
    const check = await json<{ eventTitle: string; access: string }>(await send(t.app, null, 'POST', '/api/guest/check', { json: { token: created.token } }));
    expect(check).toMatchObject({ eventTitle: 'Crue de la Mosson', access: 'write' });
    expectError(await send(t.app, null, 'POST', '/api/guest/join', { json: { token: created.token, name: ' ' } }), 'validation_failed');
    const guest = await joinAsGuest(created.token, 'Capitaine Roux');
    expect(guest.info.guest).toMatchObject({ eventId: event.id, name: 'Capitaine Roux', access: 'write' });
    expect(guest.setCookieMaxAge).toBeLessThanOrEqual(3600);
    const entry = await json<Entry>(await send(t.app, guest, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Deux véhicules en route' } }), 201);
    expect(entry).toMatchObject({ authorName: 'Capitaine Roux (invité)', byGuest: true, authorId: null });
    // Only the invited event, not its sub-event (not included), nothing else of the API.
    expectError(await send(t.app, guest, 'POST', `/api/events/${child.id}/entries`, { json: { text: 'Dans le fils' } }), 'not_found');
    expectError(await send(t.app, guest, 'GET', '/api/events'), 'guest_forbidden');
    expectError(await send(t.app, guest, 'GET', '/api/search?q=crue'), 'guest_forbidden');
    expectError(await send(t.app, guest, 'GET', '/api/users'), 'guest_forbidden');
    expectError(await send(t.app, guest, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 3, values: {}, basedOnVersion: null } }), 'guest_forbidden');
    expectError(await send(t.app, guest, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Action ?', action: { assigneeFunctionId: await idOf('crisis_functions', w.a.id, 'Logistique') } } }), 'guest_forbidden');
    const detail = await json<EventDetail>(await send(t.app, guest, 'GET', `/api/events/${event.id}`));
    expect(detail.children).toEqual([]);
    expect(detail.myAccess).toEqual({ write: true, manage: false });
    // The arrival is in the main courante.
    const page = await json<{ entries: Entry[] }>(await send(t.app, coord, 'GET', `/api/events/${event.id}/entries?limit=10`));
    expect(page.entries.map((e) => e.text)).toContain('Capitaine Roux (invité) a rejoint l’événement avec l’invitation « Préfecture — COD » (contribution).');
  });

  it('a read-only link cannot write; sub-events are reachable when the link includes them', async () => {
    const created = await json<{ token: string }>(await createLink({ access: 'read', includeChildren: true }), 201);
    const guest = await joinAsGuest(created.token, 'Observateur ARS');
    const before = await countRows(db);
    expectError(await send(t.app, guest, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Lecture seule ?' } }), 'guest_read_only');
    expect(await countRows(db)).toEqual(before);
    expect((await send(t.app, guest, 'GET', `/api/events/${child.id}`)).statusCode).toBe(200);
    const detail = await json<EventDetail>(await send(t.app, guest, 'GET', `/api/events/${event.id}`));
    expect(detail.children.map((c) => c.id)).toEqual([child.id]);
  });

  it('revoking ends the guest at once: HTTP, open WebSocket, and the link itself', async () => {
    const created = await json<{ token: string; link: { id: string } }>(await createLink({}), 201);
    const guest = await joinAsGuest(created.token, 'Agent Enedis');
    const ws = await WsClient.connect(port, guest);
    expect((await ws.subscribe(topicOf('event', event.id))).type).toBe('subscribed');
    // Only the event's coordinators revoke; another organisation does not even see the link.
    expectError(await send(t.app, await signIn(t.app, w.usersB.administrator.email), 'POST', `/api/guest-links/${created.link.id}/revoke`), 'not_found');
    expectError(await send(t.app, await signIn(t.app, w.usersA.contributor.email), 'POST', `/api/guest-links/${created.link.id}/revoke`), 'forbidden');
    const revoked = await json<{ state: string; guests: string[] }>(await send(t.app, coord, 'POST', `/api/guest-links/${created.link.id}/revoke`));
    expect(revoked).toMatchObject({ state: 'revoked', guests: ['Agent Enedis'] });
    expect(await ws.next((f) => f.type === 'session.ended')).toMatchObject({ reason: 'guest_link_revoked' });
    expect((await ws.closed).code).toBe(4401);
    const before = await countRows(db);
    expectError(await send(t.app, guest, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Encore là ?' } }), 'session_expired');
    expectError(await send(t.app, guest, 'GET', `/api/events/${event.id}`), 'session_expired');
    expect(await countRows(db)).toEqual(before);
    expectError(await send(t.app, null, 'POST', '/api/guest/join', { json: { token: created.token, name: 'Agent Enedis' } }), 'guest_link_revoked');
    expectError(await send(t.app, null, 'POST', '/api/guest/check', { json: { token: created.token } }), 'guest_link_revoked');
  });

  it('an open realtime connection of a guest ends at the link’s expiry', async () => {
    const created = await json<{ token: string; link: { id: string } }>(await createLink({}), 201);
    const guest = await joinAsGuest(created.token, 'Agent pressé');
    await db.updateTable('guest_links').set({ expires_at: new Date(Date.now() + 1500) }).where('id', '=', created.link.id).execute();
    const ws = await WsClient.connect(port, guest);
    expect((await ws.subscribe(topicOf('event', event.id))).type).toBe('subscribed');
    expect(await ws.next((f) => f.type === 'session.ended', 5000)).toMatchObject({ reason: 'session_expired' });
    expect((await ws.closed).code).toBe(4401);
  });

  it('expired and forged links are refused with their own message; links are rate-limited', async () => {
    const created = await json<{ token: string; link: { id: string } }>(await createLink({}), 201);
    const guest = await joinAsGuest(created.token, 'Agent expiré');
    await db.updateTable('guest_links').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', created.link.id).execute();
    expectError(await send(t.app, guest, 'GET', `/api/events/${event.id}`), 'session_expired');
    expectError(await send(t.app, null, 'POST', '/api/guest/join', { json: { token: created.token, name: 'Encore moi' } }), 'guest_link_expired');
    expectError(await send(t.app, null, 'POST', '/api/guest/check', { json: { token: created.token.slice(0, -2) + 'xx' } }), 'guest_link_invalid');
    // An expiry in the past or beyond 30 days is refused at creation.
    expectError(await createLink({ expiresAt: new Date(Date.now() - 60_000).toISOString() }), 'validation_failed');
    expectError(await createLink({ expiresAt: new Date(Date.now() + 40 * 86_400_000).toISOString() }), 'validation_failed');
    const ip = nextIp();
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await send(t.app, null, 'POST', '/api/guest/check', { json: { token: `forged-token-${i}-xxxxxxxx` }, ip })).statusCode);
    expect(codes.filter((c) => c === 404).length).toBe(20);
    expect(codes.filter((c) => c === 429).length).toBe(5);
  });
});

describe('situation analysis', () => {
  let w: Awaited<ReturnType<typeof buildWorld>>;
  let coord: Session;
  let reader: Session;
  let event: EventDetail;
  let typeId: string;

  beforeAll(async () => {
    w = await buildWorld(db);
    coord = await signIn(t.app, w.usersA.coordinator.email);
    reader = await signIn(t.app, w.usersA.reader.email);
    typeId = await idOf('event_types', w.a.id, 'Canicule');
    event = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId, title: 'Canicule de juillet', severity: 2 } }), 201);
  });

  it('an administrator defines the form of a type; the default applies until then', async () => {
    const def = await json<{ custom: boolean; fields: Array<{ key: string }> }>(await send(t.app, coord, 'GET', `/api/event-types/${typeId}/situation-form`));
    expect(def.custom).toBe(false);
    expect(def.fields.map((f) => f.key)).toContain('tendance');
    const admin = await signIn(t.app, w.usersA.administrator.email);
    expectError(await send(t.app, admin, 'PUT', `/api/event-types/${typeId}/situation-form`, { json: { fields: [{ key: 'a', label: 'A', type: 'choice', options: ['seule'] }] } }), 'validation_failed');
    expectError(await send(t.app, coord, 'PUT', `/api/event-types/${typeId}/situation-form`, { json: { fields: [{ key: 'a', label: 'A', type: 'text' }] } }), 'forbidden');
    const form = await json<{ custom: boolean }>(
      await send(t.app, admin, 'PUT', `/api/event-types/${typeId}/situation-form`, {
        json: {
          fields: [
            { key: 'risque', label: 'Risque', type: 'text', required: true },
            { key: 'personnes_exposees', label: 'Personnes exposées', type: 'number' },
            { key: 'tendance', label: 'Tendance', type: 'choice', options: ['Amélioration', 'Stable', 'Aggravation'], required: true },
            { key: 'prochain_point', label: 'Prochain point', type: 'date' },
          ],
        },
      }),
    );
    expect(form.custom).toBe(true);
  });

  it('every update is a version; a severity change updates the event, writes an entry and reaches every viewer live', async () => {
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('event', event.id))).type).toBe('subscribed');
    const v1 = await json<Situation>(
      await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, {
        json: { severity: 2, values: { risque: 'Fortes chaleurs', personnes_exposees: 1200, tendance: 'Stable', prochain_point: '2026-07-14T18:00:00+02:00' }, basedOnVersion: null },
      }),
    );
    expect(v1.versions).toHaveLength(1);
    const v2 = await json<Situation>(
      await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, {
        json: { severity: 3, values: { risque: 'Fortes chaleurs, nuits tropicales', personnes_exposees: 3400, tendance: 'Aggravation' }, basedOnVersion: 1 },
      }),
    );
    expect(v2.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(v2.versions[1].values.personnes_exposees).toBe(1200); // the first version is kept as written
    const frames = await ws.messages(topicOf('event', event.id), 5);
    const kinds = frames.map((f) => f.event.kind);
    expect(kinds.filter((k) => k === 'situation.updated')).toHaveLength(2);
    expect(kinds).toContain('event.updated');
    const severityEntry = frames.map((f) => f.event).find((e) => e.kind === 'entry.created' && e.entry.text.includes('gravité Orange'));
    expect(severityEntry).toBeDefined();
    const detail = await json<EventDetail>(await send(t.app, reader, 'GET', `/api/events/${event.id}`));
    expect(detail.severity).toBe(3);
    await ws.close();
    // The versions cannot be altered in the database.
    await expect(db.updateTable('situation_reports').set({ severity: 1 }).where('event_id', '=', event.id).execute()).rejects.toThrow(/append-only/);
  });

  it('bad input: wrong types, unknown fields, a stale version or a reader: clear errors, nothing stored', async () => {
    const before = await countRows(db);
    const bad = expectError(
      await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 3, values: { risque: 12, personnes_exposees: 'beaucoup', tendance: 'Pire', inconnu: 'x' }, basedOnVersion: 2 } }),
      'situation_invalid',
    );
    const paths = (bad.details as Array<{ path: string; message: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(['values.inconnu', 'values.personnes_exposees', 'values.risque', 'values.tendance']);
    expect((bad.details as Array<{ message: string }>).find((d) => d.message.includes('Personnes exposées'))!.message).toBe('« Personnes exposées » doit être un nombre.');
    expectError(await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 3, values: { risque: 'x', tendance: 'Stable', prochain_point: 'demain' }, basedOnVersion: 2 } }), 'situation_invalid');
    expectError(await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 3, values: { tendance: 'Stable' }, basedOnVersion: 2 } }), 'situation_invalid');
    expectError(await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 5, values: {}, basedOnVersion: 2 } }), 'validation_failed');
    expectError(await send(t.app, coord, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 4, values: { risque: 'x', tendance: 'Stable' }, basedOnVersion: 1 } }), 'situation_conflict');
    expectError(await send(t.app, reader, 'POST', `/api/events/${event.id}/situation`, { json: { severity: 4, values: { risque: 'x', tendance: 'Stable' }, basedOnVersion: 2 } }), 'forbidden');
    expect(await countRows(db)).toEqual(before);
  });
});

describe('actions', () => {
  let w: Awaited<ReturnType<typeof buildWorld>>;
  let coord: Session;
  let contrib: Session;
  let logistician: Session;
  let other: Session;
  let event: EventDetail;
  let logistique: string;

  beforeAll(async () => {
    w = await buildWorld(db);
    coord = await signIn(t.app, w.usersA.coordinator.email);
    contrib = await signIn(t.app, w.usersA.contributor.email);
    const admin = await signIn(t.app, w.usersA.administrator.email);
    logistique = await idOf('crisis_functions', w.a.id, 'Logistique');
    const lu = await buildUser(db, { organisationId: w.a.id, role: 'contributor', displayName: 'Lucie Logistique' });
    await json(await send(t.app, admin, 'PATCH', `/api/users/${lu.id}`, { json: { functionIds: [logistique] } }));
    logistician = await signIn(t.app, lu.email);
    other = await signIn(t.app, (await buildUser(db, { organisationId: w.a.id, role: 'contributor' })).email);
    event = await json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: await idOf('event_types', w.a.id, 'Tempête'), title: 'Tempête Ciarán' } }), 201);
  });

  it('an entry can be an action for a function; its holder follows it up; each status change is an entry', async () => {
    const due = new Date(Date.now() - 3600_000).toISOString(); // already late
    const entry = await json<Entry>(
      await send(t.app, contrib, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Livrer 40 lits de camp au gymnase', action: { assigneeFunctionId: logistique, dueAt: due } } }),
      201,
    );
    expect(entry.action).toMatchObject({ status: 'todo', assigneeName: 'Logistique' });
    const mine = await json<{ actions: Action[] }>(await send(t.app, logistician, 'GET', '/api/actions?mine=true'));
    expect(mine.actions).toHaveLength(1);
    expect(mine.actions[0]).toMatchObject({ overdue: true, canChange: true, eventTitle: 'Tempête Ciarán' });
    const id = mine.actions[0].id;
    const forOther = await json<{ actions: Action[] }>(await send(t.app, other, 'GET', `/api/events/${event.id}/actions`));
    expect(forOther.actions[0].canChange).toBe(false);
    // Someone neither assigned nor coordinator: refused, nothing stored.
    const before = await countRows(db);
    expectError(await send(t.app, other, 'POST', `/api/actions/${id}/status`, { json: { status: 'done' } }), 'action_forbidden');
    expect(await countRows(db)).toEqual(before);
    const doing = await json<Action>(await send(t.app, logistician, 'POST', `/api/actions/${id}/status`, { json: { status: 'doing', comment: 'Camion chargé' } }));
    expect(doing.status).toBe('doing');
    expectError(await send(t.app, logistician, 'POST', `/api/actions/${id}/status`, { json: { status: 'doing' } }), 'action_unchanged');
    await json(await send(t.app, coord, 'POST', `/api/actions/${id}/status`, { json: { status: 'done' } }));
    const page = await json<{ entries: Entry[] }>(await send(t.app, coord, 'GET', `/api/events/${event.id}/entries?limit=10`));
    const texts = page.entries.map((e) => e.text);
    expect(texts).toContain(`Action n° ${entry.seq} « Livrer 40 lits de camp au gymnase » : À faire → En cours — Camion chargé`);
    expect(texts).toContain(`Action n° ${entry.seq} « Livrer 40 lits de camp au gymnase » : En cours → Fait`);
    expect(page.entries.find((e) => e.id === entry.id)!.action).toMatchObject({ status: 'done' });
    const open = await json<{ actions: Action[] }>(await send(t.app, coord, 'GET', `/api/events/${event.id}/actions?status=open`));
    expect(open.actions).toHaveLength(0);
  });

  it('an action goes to someone who sees the event; bad assignees are refused and nothing is stored', async () => {
    const outsider = await buildUser(db, { organisationId: w.b.id });
    const before = await countRows(db);
    for (const action of [{ assigneeUserId: outsider.id }, { assigneeFunctionId: await idOf('crisis_functions', w.b.id, 'Logistique') }]) {
      expectError(await send(t.app, contrib, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Action mal assignée', action } }), 'action_invalid');
    }
    expectError(await send(t.app, contrib, 'POST', `/api/events/${event.id}/entries`, { json: { text: 'Sans assigné', action: {} } }), 'validation_failed');
    expect(await countRows(db)).toEqual(before);
    const assignees = await json<{ users: Array<{ id: string }> }>(await send(t.app, contrib, 'GET', `/api/events/${event.id}/assignees`));
    expect(assignees.users.map((u) => u.id)).toContain(w.usersA.reader.id);
    expect(assignees.users.map((u) => u.id)).not.toContain(outsider.id);
  });

  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
