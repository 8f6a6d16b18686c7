// Plan communal de sauvegarde, server side: resources engaged and released in an event (live,
// logged, one winner when two people engage at once, shelter capacity), reflex sheets started as
// the event's actions, the register of vulnerable people (restricted, every read audited, in no
// other export nor in the search), plan import all-or-nothing (JSON and CSV, report by line), upkeep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildWorld } from '../fixtures/factories';
import { multipartBody } from '../fixtures/logbook';
import type { DB } from '../../src/server/db/schema';
import { topicOf } from '../../src/shared/realtime';
import type { EventDetail, Entry } from '../../src/shared/schemas/logbook';
import type { EventReflexSheets, PlanImportResult, PlanOverview, ReflexRun, Resource } from '../../src/shared/schemas/pcs';
import { montpellierPlan } from '../../src/server/seed/demo-pcs';
import { upkeepReminder } from '../../src/server/modules/pcs/plan.service';
import { countRows, expectError, send, serverErrors, signIn, WsClient } from './support';

let t: TestApp;
let db: Kysely<DB>;
let port: number;
let w: Awaited<ReturnType<typeof buildWorld>>;
let admin: Session;
let coord: Session;
let contrib: Session;
let reader: Session;
let flood: EventDetail;
let storm: EventDetail;
let resources: Map<string, Resource>;

async function json<T>(res: { statusCode: number; body: string; json: () => unknown }, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

async function newEvent(s: Session, typeName: string, title: string, extra: Record<string, unknown> = {}): Promise<EventDetail> {
  const types = await json<{ items: Array<{ id: string; name: string }> }>(await send(t.app, s, 'GET', '/api/event-types'));
  return json(await send(t.app, s, 'POST', '/api/events', { json: { typeId: types.items.find((i) => i.name === typeName)!.id, title, severity: 3, ...extra } }), 201);
}

async function entries(s: Session, eventId: string): Promise<Entry[]> {
  return (await json<{ entries: Entry[] }>(await send(t.app, s, 'GET', `/api/events/${eventId}/entries?limit=200`))).entries;
}

async function resource(name: string): Promise<Resource> {
  const list = await json<{ resources: Resource[] }>(await send(t.app, coord, 'GET', '/api/resources'));
  return list.resources.find((r) => r.name === name)!;
}

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  db = t.db.database.db;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
  w = await buildWorld(db);
  admin = await signIn(t.app, w.usersA.administrator.email);
  coord = await signIn(t.app, w.usersA.coordinator.email);
  contrib = await signIn(t.app, w.usersA.contributor.email);
  reader = await signIn(t.app, w.usersA.reader.email);
  // The demo city's plan, imported as a city would.
  const result = await json<PlanImportResult>(await send(t.app, coord, 'POST', '/api/plan/import', { json: montpellierPlan() }));
  expect(result.created).toMatchObject({ risks: 5, sheets: 5, contacts: 7, oncall: 3, alertMeans: 3, resources: 8, sites: 5 });
  flood = await newEvent(coord, 'Inondation', 'Crue du Lez');
  storm = await newEvent(coord, 'Tempête', 'Coup de vent');
  resources = new Map((await json<{ resources: Resource[] }>(await send(t.app, reader, 'GET', '/api/resources'))).resources.map((r) => [r.name, r]));
});

afterAll(async () => {
  expect(serverErrors).toEqual([]);
  await t?.close();
});

describe('resources (moyens)', () => {
  it('engaging a vehicle updates it for everyone live, writes an entry, and the board names nothing to those who may not see the event', async () => {
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('event', flood.id))).type).toBe('subscribed');
    expect((await ws.subscribe(topicOf('organisation', w.a.id))).type).toBe('subscribed');
    const vehicle = resources.get('Véhicule PM 12')!;
    const engaged = await json<Resource>(await send(t.app, contrib, 'POST', `/api/resources/${vehicle.id}/engage`, { json: { eventId: flood.id, note: 'Balisage quai de Tounis' } }));
    expect(engaged).toMatchObject({ status: 'engaged', engagedEvent: { id: flood.id, title: 'Crue du Lez' }, engagedByName: w.usersA.contributor.display_name });
    // The entry, then the resource.
    const [, onEvent] = await ws.messages(topicOf('event', flood.id), 2);
    expect(onEvent?.event).toMatchObject({ kind: 'resource.updated', eventId: flood.id, resource: { id: vehicle.id, status: 'engaged' } });
    const board = (await ws.messages(topicOf('organisation', w.a.id), 1))[0].event;
    expect(board).toEqual({ kind: 'plan.changed', part: 'resources' });
    await ws.close();
    expect((await entries(reader, flood.id)).map((e) => e.text)).toContain(`Moyen engagé : Véhicule PM 12 (véhicule) par ${w.usersA.contributor.display_name} — Balisage quai de Tounis.`);
    // The event's own list, and the audit.
    const mine = await json<{ resources: Resource[] }>(await send(t.app, reader, 'GET', `/api/resources?eventId=${flood.id}`));
    expect(mine.resources.map((r) => r.name)).toEqual(['Véhicule PM 12']);
    const audit = await db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', vehicle.id).where('action', '=', 'resource.engaged').execute();
    expect(audit).toHaveLength(1);
  });

  it('a resource already engaged elsewhere: refused, saying where; nothing changes', async () => {
    const vehicle = resources.get('Véhicule PM 12')!;
    const before = await countRows(db);
    const err = expectError(await send(t.app, coord, 'POST', `/api/resources/${vehicle.id}/engage`, { json: { eventId: storm.id } }), 'resource_engaged_elsewhere');
    expect(err.details).toMatchObject({ eventId: flood.id, eventTitle: 'Crue du Lez', engagedByName: w.usersA.contributor.display_name });
    // Someone of the organisation who may not see that event learns that it is engaged, not where.
    await db.updateTable('events').set({ audience: 'restricted' }).where('id', '=', flood.id).execute();
    const seen = (await json<{ resources: Resource[] }>(await send(t.app, reader, 'GET', '/api/resources'))).resources.find((r) => r.id === vehicle.id)!;
    expect(seen.engagedEvent).toEqual({ id: null, title: 'Événement non visible' });
    expect(JSON.stringify(seen)).not.toContain('Crue du Lez');
    await db.updateTable('events').set({ audience: 'inherit' }).where('id', '=', flood.id).execute();
    expectError(await send(t.app, coord, 'POST', `/api/resources/${vehicle.id}/engage`, { json: { eventId: flood.id } }), 'resource_already_engaged_here');
    expect(await countRows(db)).toEqual(before);
    expect((await resource('Véhicule PM 12')).engagedEvent?.id).toBe(flood.id);
  });

  it('two people engage the same resource at the same moment on two events: exactly one wins', async () => {
    const van = resources.get('Fourgon logistique 3')!;
    const [a, b] = await Promise.all([
      send(t.app, coord, 'POST', `/api/resources/${van.id}/engage`, { json: { eventId: flood.id } }),
      send(t.app, contrib, 'POST', `/api/resources/${van.id}/engage`, { json: { eventId: storm.id } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.code).toBe('resource_engaged_elsewhere');
    const winnerEvent = a.statusCode === 200 ? flood.id : storm.id;
    expect((await resource('Fourgon logistique 3')).engagedEvent?.id).toBe(winnerEvent);
    const texts = [...(await entries(coord, flood.id)), ...(await entries(coord, storm.id))].map((e) => e.text).filter((x) => x.startsWith('Moyen engagé : Fourgon'));
    expect(texts).toHaveLength(1);
    await json(await send(t.app, coord, 'POST', `/api/resources/${van.id}/release`, { json: {} }));
  });

  it('a shelter over its capacity: refused without a reason, allowed with one (important entry); released, it is available again', async () => {
    const shelter = resources.get('Gymnase Jean-Bouin')!;
    await json(await send(t.app, coord, 'POST', `/api/resources/${shelter.id}/engage`, { json: { eventId: flood.id } }));
    expect((await json<Resource>(await send(t.app, contrib, 'PUT', `/api/resources/${shelter.id}/occupancy`, { json: { occupancy: 80 } }))).occupancy).toBe(80);
    const before = await countRows(db);
    const err = expectError(await send(t.app, contrib, 'PUT', `/api/resources/${shelter.id}/occupancy`, { json: { occupancy: 130 } }), 'shelter_over_capacity');
    expect(err.details).toEqual({ capacity: 120, occupancy: 130 });
    expect(await countRows(db)).toEqual(before);
    expect((await resource('Gymnase Jean-Bouin')).occupancy).toBe(80);
    const over = await json<Resource>(await send(t.app, contrib, 'PUT', `/api/resources/${shelter.id}/occupancy`, { json: { occupancy: 130, reason: 'Évacuation du camping de la Mosson' } }));
    expect(over.occupancy).toBe(130);
    const entry = (await entries(coord, flood.id)).find((e) => e.text.startsWith('Centre d’hébergement Gymnase Jean-Bouin au-delà'))!;
    expect(entry).toMatchObject({ important: true, text: 'Centre d’hébergement Gymnase Jean-Bouin au-delà de sa capacité : 130 / 120 personnes. Motif : Évacuation du camping de la Mosson' });
    // Occupancy is for shelters only; releasing ends the engagement.
    expectError(await send(t.app, coord, 'PUT', `/api/resources/${resources.get('Véhicule PM 12')!.id}/occupancy`, { json: { occupancy: 2 } }), 'not_a_shelter');
    const released = await json<Resource>(await send(t.app, coord, 'POST', `/api/resources/${shelter.id}/release`, { json: { note: 'Décrue' } }));
    expect(released).toMatchObject({ status: 'available', engagedEvent: null, occupancy: 0 });
    expect((await entries(coord, flood.id)).map((e) => e.text)).toContain(`Moyen libéré : Gymnase Jean-Bouin (centre d’hébergement) par ${w.usersA.coordinator.display_name} (130 personnes hébergées au moment de la libération) — Décrue.`);
    expectError(await send(t.app, coord, 'POST', `/api/resources/${shelter.id}/release`, { json: {} }), 'resource_not_engaged');
  });

  it('an unavailable resource cannot be engaged; an engaged one cannot be made unavailable; readers and closed events are refused', async () => {
    const generator = resources.get('Groupe électrogène 60 kVA')!;
    await json(await send(t.app, coord, 'PATCH', `/api/resources/${generator.id}`, { json: { status: 'unavailable', note: 'En révision' } }));
    expectError(await send(t.app, coord, 'POST', `/api/resources/${generator.id}/engage`, { json: { eventId: flood.id } }), 'resource_unavailable');
    const vehicle = resources.get('Véhicule PM 12')!;
    expectError(await send(t.app, coord, 'PATCH', `/api/resources/${vehicle.id}`, { json: { status: 'unavailable' } }), 'resource_engaged');
    expectError(await send(t.app, reader, 'POST', `/api/resources/${generator.id}/engage`, { json: { eventId: flood.id } }), 'forbidden');
    const closed = await newEvent(coord, 'Autre', 'Événement terminé');
    await json(await send(t.app, coord, 'POST', `/api/events/${closed.id}/close`));
    expectError(await send(t.app, coord, 'POST', `/api/resources/${resources.get('Salle du conseil')!.id}/engage`, { json: { eventId: closed.id } }), 'event_closed');
    expectError(await send(t.app, coord, 'POST', '/api/resources', { json: { name: 'véhicule pm 12', kind: 'vehicle' } }), 'name_taken');
  });
});

describe('reflex sheets', () => {
  it('an « Inondation » event is about the flood risk; started, a sheet becomes the event’s actions and each ticked step an entry', async () => {
    expect(flood).toMatchObject({ riskName: 'Inondation', exercise: false });
    const sheets = await json<EventReflexSheets>(await send(t.app, reader, 'GET', `/api/events/${flood.id}/reflex-sheets`));
    expect(sheets.risk?.name).toBe('Inondation');
    expect(sheets.proposed.map((s) => s.title)).toEqual(['Inondation — Directeur des opérations', 'Inondation — Logistique', 'Inondation — Cellule communication']);
    const logistics = sheets.proposed[1];
    // A reader may not start it; a contributor who does not hold the function either.
    expectError(await send(t.app, reader, 'POST', `/api/events/${flood.id}/reflex-sheets/${logistics.id}/start`), 'forbidden');
    expectError(await send(t.app, contrib, 'POST', `/api/events/${flood.id}/reflex-sheets/${logistics.id}/start`), 'forbidden');
    const countBefore = (await entries(coord, flood.id)).length;
    const run = await json<ReflexRun>(await send(t.app, coord, 'POST', `/api/events/${flood.id}/reflex-sheets/${logistics.id}/start`), 201);
    expect(run.steps.map((s) => [s.position, s.text, s.status])).toEqual(logistics.steps.map((text, i) => [i + 1, text, 'todo']));
    const after = await entries(coord, flood.id);
    expect(after.length).toBe(countBefore + 1 + logistics.steps.length);
    expect(after.map((e) => e.text)).toContain(`Fiche réflexe « Inondation — Logistique » démarrée par ${w.usersA.coordinator.display_name} : 4 actions confiées à la fonction Logistique.`);
    const actions = await json<{ actions: Array<{ title: string; assigneeName: string; status: string }> }>(await send(t.app, coord, 'GET', `/api/events/${flood.id}/actions?status=all`));
    expect(actions.actions.filter((a) => a.assigneeName === 'Logistique').map((a) => a.title).sort()).toEqual([...logistics.steps].sort());
    expectError(await send(t.app, coord, 'POST', `/api/events/${flood.id}/reflex-sheets/${logistics.id}/start`), 'reflex_sheet_started');
    // Ticking two steps: each an entry; the run shows them done, the sheet is no longer proposed.
    for (const step of run.steps.slice(0, 2)) await json(await send(t.app, coord, 'POST', `/api/actions/${step.actionId}/status`, { json: { status: 'done' } }));
    const now = await json<EventReflexSheets>(await send(t.app, reader, 'GET', `/api/events/${flood.id}/reflex-sheets`));
    expect(now.runs[0].steps.map((s) => s.status)).toEqual(['done', 'done', 'todo', 'todo']);
    expect(now.runs[0].steps.every((s) => s.canChange === false)).toBe(true);
    expect(now.proposed.map((s) => s.title)).not.toContain('Inondation — Logistique');
    const texts = (await entries(reader, flood.id)).map((e) => e.text);
    expect(texts.filter((x) => / : À faire → Fait$/.test(x))).toHaveLength(2);
  });

  it('an exercise is marked so, its opening entry says it, and a risk can be attached afterwards', async () => {
    const drill = await newEvent(coord, 'Autre', 'Exercice PCS crue', { exercise: true });
    expect(drill).toMatchObject({ exercise: true, riskId: null });
    expect((await entries(coord, drill.id)).at(-1)!.text).toMatch(/^EXERCICE — Ouverture de l’événement « Exercice PCS crue »/);
    const risks = await json<{ risks: Array<{ id: string; name: string }> }>(await send(t.app, reader, 'GET', '/api/plan/risks'));
    const updated = await json<EventDetail>(await send(t.app, coord, 'PATCH', `/api/events/${drill.id}`, { json: { riskId: risks.risks.find((r) => r.name === 'Inondation')!.id } }));
    expect(updated.riskName).toBe('Inondation');
    expectError(await send(t.app, coord, 'PATCH', `/api/events/${drill.id}`, { json: { riskId: '00000000-0000-4000-8000-000000000000' } }), 'unknown_risk');
    // Closed, the exercise is the plan's last one.
    await json(await send(t.app, coord, 'PUT', '/api/plan/upkeep', { json: { lastExerciseOn: '2023-05-10' } }));
    await json(await send(t.app, coord, 'POST', `/api/events/${drill.id}/close`));
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    expect((await json<PlanOverview>(await send(t.app, reader, 'GET', '/api/plan'))).lastExerciseOn).toBe(today);
  });
});

describe('register of vulnerable people', () => {
  const name = 'Mme Odette Registre';

  it('is read and written only by the roles that hold it; every read is audited', async () => {
    const person = await json<{ id: string }>(await send(t.app, coord, 'POST', '/api/plan/vulnerable-people', { json: { fullName: name, address: '5 rue du Lez', vulnerability: 'Oxygène à domicile' } }), 201);
    for (const s of [reader, contrib]) {
      expectError(await send(t.app, s, 'GET', '/api/plan/vulnerable-people'), 'forbidden');
      expectError(await send(t.app, s, 'GET', '/api/plan/vulnerable-people/export.csv'), 'forbidden');
      expectError(await send(t.app, s, 'PUT', `/api/plan/vulnerable-people/${person.id}`, { json: { fullName: 'X' } }), 'forbidden');
    }
    const audits = async () => db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('action', 'in', ['vulnerable.read', 'vulnerable.exported']).execute();
    const before = (await audits()).length;
    const list = await json<{ people: Array<{ fullName: string }> }>(await send(t.app, admin, 'GET', '/api/plan/vulnerable-people'));
    expect(list.people.map((p) => p.fullName)).toContain(name);
    const csv = await send(t.app, coord, 'GET', '/api/plan/vulnerable-people/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(name);
    const after = await audits();
    expect(after.length).toBe(before + 2);
    expect(after.slice(-2).map((a) => [a.action, a.actor_user_id])).toEqual([
      ['vulnerable.read', w.usersA.administrator.id],
      ['vulnerable.exported', w.usersA.coordinator.id],
    ]);
    // The audit of its changes never holds the personal data.
    const changes = await db.selectFrom('audit_log').select('changes').where('action', 'like', 'vulnerable.%').execute();
    expect(JSON.stringify(changes)).not.toContain('Odette');
    const overview = await json<PlanOverview>(await send(t.app, reader, 'GET', '/api/plan'));
    expect(overview.vulnerableAccess).toBe(false);
    expect(JSON.stringify(overview)).not.toContain('Odette');
  });

  it('is in no other export and never found by the search', async () => {
    const plan = await send(t.app, coord, 'GET', '/api/plan/export.json');
    expect(plan.statusCode).toBe(200);
    expect(plan.body).not.toContain('Odette');
    expect(plan.body).not.toContain('Oxygène');
    for (const kind of ['contacts', 'resources']) expect((await send(t.app, coord, 'GET', `/api/plan/export.csv?kind=${kind}`)).body).not.toContain('Odette');
    for (const s of [reader, coord, admin]) {
      const res = await send(t.app, s, 'GET', `/api/search?q=${encodeURIComponent('Odette')}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('Odette');
    }
    const exported = await send(t.app, coord, 'GET', `/api/events/${flood.id}/export.csv`);
    expect(exported.body).not.toContain('Odette');
  });
});

describe('plan import and upkeep', () => {
  it('a JSON plan with bad elements: nothing stored, every problem reported with its path', async () => {
    const before = await countRows(db);
    const doc = montpellierPlan();
    doc.risks.push({ name: 'Séisme', description: '', sheets: [] }, { name: 'séisme', description: '', sheets: [] });
    doc.oncall.push({ contact: 'Personne inconnue', line: 'Astreinte élus', startsAt: '2026-12-01T08:00:00Z', endsAt: '2026-12-08T08:00:00Z' });
    const err = expectError(await send(t.app, coord, 'POST', '/api/plan/import', { json: doc }), 'import_invalid');
    expect(err.details).toEqual([
      { line: 0, column: 'risks[6].name', code: 'duplicate', message: 'Risque « séisme » en double (déjà à l’élément 6).' },
      { line: 0, column: 'oncall[3].contact', code: 'unknown_contact', message: 'Astreinte : contact « Personne inconnue » absent de l’annuaire.' },
    ]);
    // A sheet without steps is refused by the schema, with its path.
    const empty = { ...montpellierPlan(), risks: [{ name: 'Canicule', sheets: [{ title: 'Vide', function: 'Logistique', steps: [] }] }] };
    const invalid = expectError(await send(t.app, coord, 'POST', '/api/plan/import', { json: empty }), 'validation_failed');
    expect(JSON.stringify(invalid.details)).toContain('risks.0.sheets.0.steps');
    expect(await countRows(db)).toEqual(before);
    // Imported again as it is: everything updated by name, nothing doubled, statuses kept.
    const again = await json<PlanImportResult>(await send(t.app, coord, 'POST', '/api/plan/import', { json: montpellierPlan() }));
    expect(again.created).toEqual({});
    expect(again.updated).toMatchObject({ risks: 5, sheets: 5, resources: 8, sites: 5 });
    expect((await resource('Véhicule PM 12')).status).toBe('engaged');
  });

  it('a CSV of resources with bad lines: all or nothing, a report by line; then a good one', async () => {
    const send_ = (csv: string) => {
      const m = multipartBody('file', 'moyens.csv', 'text/csv', Buffer.from(csv, 'utf8'));
      return send(t.app, coord, 'POST', '/api/plan/import.csv?kind=resources', { raw: m.payload, contentType: m.headers['content-type'] });
    };
    const before = await countRows(db);
    const bad = 'nom;type;adresse;longitude;latitude;capacite\nBarge;Bateau;Port;3,9;43,6;\nTente 1;Matériel;Stade;abc;43,6;\nTente 2;Matériel;Stade;3,9;;\n';
    const err = expectError(await send_(bad), 'import_invalid');
    expect((err.details as Array<{ line: number; column: string }>).map((d) => [d.line, d.column])).toEqual([
      [2, 'type'],
      [3, 'longitude'],
      [4, 'longitude'],
    ]);
    expect(await countRows(db)).toEqual(before);
    const ok = await json<PlanImportResult>(await send_('nom;type;adresse;longitude;latitude;capacite\nTente 1;Matériel;Stade;3,9;43,6;\nCentre Léo-Lagrange;Centre d’hébergement;Rue Léo-Lagrange;3,88;43,61;90\n'));
    expect(ok.created).toEqual({ resources: 2 });
    expect((await resource('Centre Léo-Lagrange'))).toMatchObject({ kind: 'shelter', capacity: 90, position: { lon: 3.88, lat: 43.61 } });
    const csv = await send(t.app, coord, 'GET', '/api/plan/export.csv?kind=resources');
    expect(csv.body.split('\r\n')[0]).toBe('\ufeffnom;type;adresse;longitude;latitude;capacite;note');
    expect(csv.body).toContain('Centre Léo-Lagrange;Centre d’hébergement;Rue Léo-Lagrange;3.88;43.61;90;');
  });

  it('upkeep: the five-year limits come with reminders; the exported plan imports back', async () => {
    expect(upkeepReminder('revision', null, '2026-12-02')?.level).toBe('missing');
    expect(upkeepReminder('revision', '2021-03-01', '2026-12-02')?.level).toBe('overdue');
    expect(upkeepReminder('exercise', '2022-03-01', '2026-12-02')?.level).toBe('soon');
    expect(upkeepReminder('exercise', '2022-06-03', '2026-12-02')).toBeNull();
    const overview = await json<PlanOverview>(await send(t.app, coord, 'PUT', '/api/plan/upkeep', { json: { lastRevisionOn: '2021-03-01' } }));
    expect(overview).toMatchObject({ lastRevisionOn: '2021-03-01', revisionDueOn: '2026-03-01', canManage: true, vulnerableAccess: true });
    expect(overview.reminders.find((r) => r.kind === 'revision')).toMatchObject({ level: 'overdue', message: 'La révision du plan est en retard : l’échéance de cinq ans était le 1 mars 2026.' });
    expectError(await send(t.app, reader, 'PUT', '/api/plan/upkeep', { json: { lastRevisionOn: '2025-01-01' } }), 'forbidden');
    const exported = JSON.parse((await send(t.app, coord, 'GET', '/api/plan/export.json')).body);
    expect(exported.upkeep.lastRevisionOn).toBe('2021-03-01');
    const back = await json<PlanImportResult>(await send(t.app, coord, 'POST', '/api/plan/import', { json: exported }));
    expect(back.created).toEqual({});
  });
});

describe('editing the plan item by item', () => {
  it('a new risk and its sheet are proposed to an event of that risk; archived, no longer', async () => {
    const before = await countRows(db);
    const risk = await json<{ id: string }>(await send(t.app, coord, 'POST', '/api/plan/risks', { json: { name: 'Mouvement de terrain', description: 'Falaises du Lez' } }), 201);
    expectError(await send(t.app, coord, 'POST', '/api/plan/risks', { json: { name: 'mouvement de terrain' } }), 'name_taken');
    expectError(await send(t.app, reader, 'POST', '/api/plan/risks', { json: { name: 'Séisme' } }), 'forbidden');
    const functions = await json<{ items: Array<{ id: string; name: string }> }>(await send(t.app, coord, 'GET', '/api/functions'));
    const technical = functions.items.find((f) => f.name === 'Cellule technique')!;
    expectError(await send(t.app, coord, 'POST', `/api/plan/risks/${risk.id}/sheets`, { json: { title: 'Éboulement', functionId: risk.id, steps: ['Fermer la route'] } }), 'unknown_function');
    const sheet = await json<{ id: string }>(
      await send(t.app, coord, 'POST', `/api/plan/risks/${risk.id}/sheets`, { json: { title: 'Éboulement — Cellule technique', functionId: technical.id, steps: ['Fermer la route', 'Prévenir le géologue'] } }),
      201,
    );
    expect((await countRows(db)).pcs_reflex_sheets).toBe(before.pcs_reflex_sheets + 1);
    const ev = await newEvent(coord, 'Autre', 'Éboulement route de Mende', { riskId: risk.id });
    let sheets = await json<EventReflexSheets>(await send(t.app, reader, 'GET', `/api/events/${ev.id}/reflex-sheets`));
    expect(sheets.proposed.map((x) => [x.title, x.functionName, x.steps])).toEqual([['Éboulement — Cellule technique', 'Cellule technique', ['Fermer la route', 'Prévenir le géologue']]]);
    await json(await send(t.app, coord, 'PATCH', `/api/plan/sheets/${sheet.id}`, { json: { steps: ['Fermer la route', 'Prévenir le géologue', 'Informer les riverains'] } }));
    sheets = await json<EventReflexSheets>(await send(t.app, reader, 'GET', `/api/events/${ev.id}/reflex-sheets`));
    expect(sheets.proposed[0].steps).toHaveLength(3);
    await json(await send(t.app, coord, 'PATCH', `/api/plan/sheets/${sheet.id}`, { json: { archived: true } }));
    sheets = await json<EventReflexSheets>(await send(t.app, reader, 'GET', `/api/events/${ev.id}/reflex-sheets`));
    expect(sheets.proposed).toEqual([]);
    const audit = await db.selectFrom('audit_log').select('action').where('entity_id', '=', sheet.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['reflex_sheet.created', 'reflex_sheet.updated', 'reflex_sheet.updated']);
  });

  it('a contact on call now is shown so; a site added is on the map layer’s list; a change is announced to the open pages', async () => {
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('organisation', w.a.id))).type).toBe('subscribed');
    const contact = await json<{ id: string }>(await send(t.app, coord, 'POST', '/api/plan/contacts', { json: { name: 'Astreinte élus — M. Roux', functionLabel: 'Élu d’astreinte', phone: '06 11 22 33 44' } }), 201);
    expect((await ws.messages(topicOf('organisation', w.a.id), 1))[0].event).toEqual({ kind: 'plan.changed', part: 'directory' });
    const shift = await json<{ id: string }>(
      await send(t.app, coord, 'POST', '/api/plan/oncall', { json: { contactId: contact.id, line: 'Élu d’astreinte', startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() } }),
      201,
    );
    expectError(await send(t.app, coord, 'POST', '/api/plan/oncall', { json: { contactId: contact.id, line: 'X', startsAt: '2026-12-08T06:00:00Z', endsAt: '2026-12-07T06:00:00Z' } }), 'validation_failed');
    let dir = await json<{ contacts: Array<{ name: string; onCallNow: string[] }>; oncall: Array<{ id: string }> }>(await send(t.app, reader, 'GET', '/api/plan/directory'));
    expect(dir.contacts.find((c) => c.name === 'Astreinte élus — M. Roux')!.onCallNow).toEqual(['Élu d’astreinte']);
    await send(t.app, coord, 'DELETE', `/api/plan/oncall/${shift.id}`).then((r) => expect(r.statusCode).toBe(204));
    dir = await json(await send(t.app, reader, 'GET', '/api/plan/directory'));
    expect(dir.oncall.map((s) => s.id)).not.toContain(shift.id);
    const site = await json<{ id: string }>(await send(t.app, coord, 'POST', '/api/plan/sites', { json: { name: 'Collège Les Aiguerelles', kind: 'school', position: { lon: 3.8832, lat: 43.6001 }, capacity: 600 } }), 201);
    expectError(await send(t.app, coord, 'POST', '/api/plan/sites', { json: { name: 'Site hors carte', kind: 'school', position: { lon: 200, lat: 43.6 } } }), 'validation_failed');
    const sites = await json<{ sites: Array<{ id: string; position: { lon: number; lat: number } }> }>(await send(t.app, reader, 'GET', '/api/plan/sites'));
    expect(sites.sites.find((x) => x.id === site.id)!.position).toEqual({ lon: 3.8832, lat: 43.6001 });
    await json(await send(t.app, coord, 'PATCH', `/api/plan/sites/${site.id}`, { json: { archived: true } }));
    expect((await json<{ sites: Array<{ id: string }> }>(await send(t.app, reader, 'GET', '/api/plan/sites'))).sites.map((x) => x.id)).not.toContain(site.id);
    await ws.close();
  });
});

