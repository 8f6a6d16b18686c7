// The route-table walker: every route of src/shared/routes.ts is checked for access, CSRF,
// cross-organisation isolation and bad input. A new route without its cases fails this file
// (the tables below are typed and checked against `routeIds`).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { sql, type Kysely } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, testConfig, TEST_PASSWORD, type Session, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, buildWorld } from '../fixtures/factories';
import { allHandlers, buildApp } from '../../src/server/http/app';
import { accountKey } from '../../src/server/modules/auth/auth.repository';
import type { DB, OrganisationRow, UserRow } from '../../src/server/db/schema';
import { buildPath, routeIds, routes, type RouteDef, type RouteId } from '../../src/shared/routes';
import { can, roles, rolePermissions, type Role } from '../../src/shared/permissions';
import { errorMessages } from '../../src/shared/errors';
import { topicOf } from '../../src/shared/realtime';
import type { Announcement } from '../../src/shared/schemas/announcements';
import type { Share } from '../../src/shared/schemas/organisations';
import { countRows, expectError, expectStableError, send, serverErrors, signIn, WsClient, type Method } from './support';
import { multipartBody, TINY_PNG } from '../fixtures/logbook';
import { geojsonLambert93 } from '../fixtures/map';
import { startFakeOgc, type FakeOgc } from '../fixtures/ogc';
import { appendEntry } from '../../src/server/modules/logbook';
import { lockEvent } from '../../src/server/modules/events';
import { addDays, parisDateTime } from '../../src/server/modules/collection/paris-time';

const suffix = () => randomBytes(4).toString('hex');
const BODY_LIMIT = 2048;

interface OrgFixture {
  org: OrganisationRow;
  users: Record<Role, UserRow>;
}
interface Ctx {
  t: TestApp;
  db: Kysely<DB>;
  A: OrgFixture;
  B: OrgFixture;
}
/** What a request to a route carries besides the session. */
interface Req {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** One file sent as multipart/form-data (upload routes). */
  multipart?: { fileName: string; contentType: string; data: Buffer };
}

type BodyRouteId = { [K in RouteId]: (typeof routes)[K] extends { body: z.ZodType } ? K : never }[RouteId];
type BodyOf<K extends RouteId> = (typeof routes)[K] extends { body: infer B extends z.ZodType } ? z.input<B> : never;

/** A valid body for every route that has one (the bad-input cases change one thing at a time from it). */
const validBodies: { [K in BodyRouteId]: (c: Ctx, o: OrgFixture) => Promise<BodyOf<K>> } = {
  login: async (c, o) => ({ email: (await buildUser(c.db, { organisationId: o.org.id })).email, password: TEST_PASSWORD }),
  changePassword: async () => ({ currentPassword: TEST_PASSWORD, newPassword: 'un-tout-nouveau-secret' }),
  createUser: async () => ({ email: `nouveau-${suffix()}@test.fr`, displayName: 'Nouvelle Personne', role: 'reader' }),
  updateUser: async () => ({ displayName: 'Nom modifié' }),
  createShare: async (c) => ({ granteeOrganisationId: (await buildOrganisation(c.db, { kind: 'partner' })).id, resourceType: 'announcements', access: 'read' }),
  createAnnouncement: async () => ({ text: 'Message de test', level: 'info' }),
  createEventType: async () => ({ name: `Type ${suffix()}` }),
  updateEventType: async () => ({ name: `Type renommé ${suffix()}` }),
  createFunction: async () => ({ name: `Fonction ${suffix()}` }),
  updateFunction: async () => ({ name: `Fonction renommée ${suffix()}` }),
  createTag: async () => ({ name: `étiquette ${suffix()}` }),
  updateTag: async () => ({ name: `étiquette renommée ${suffix()}` }),
  createEvent: async (c, o) => ({ typeId: await catalogueItemOf(c, o, 'event_types'), title: 'Événement de test', severity: 2 }),
  updateEvent: async () => ({ title: 'Titre modifié', severity: 3 }),
  reopenEvent: async () => ({ reason: 'Nouvelle alerte météo' }),
  createEntry: async (c, o) => ({ text: 'Entrée de test', tagIds: [await catalogueItemOf(c, o, 'action_tags')], important: true }),
  createCampaign: async () => ({
    name: `Campagne ${suffix()}`,
    period: 'daily',
    deadline: '10:00',
    startDate: today(),
    status: 'active',
    communes: ['56260', '56121'],
    indicators: [{ key: 'domicile', label: 'Décès à domicile', help: 'Au domicile.', max: 100 }],
  }),
  updateCampaign: async () => ({ name: `Campagne renommée ${suffix()}`, deadline: '11:00' }),
  putDeclaration: async () => ({ values: { domicile: 1, ehpad: 0 } }),
  checkActivation: async (c, o) => ({ token: (await freshInvitation(c, o)).token }),
  activateAccount: async (c, o) => ({ token: (await freshInvitation(c, o)).token, password: 'mon-nouveau-secret-2026' }),
  putTypeAudience: async (c, o) => ({ mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }, { kind: 'function', functionId: await catalogueItemOf(c, o, 'crisis_functions'), access: 'read' }] }),
  putSituationForm: async () => ({ fields: [{ key: 'risque', label: 'Risque', type: 'text', required: true }, { key: 'tendance', label: 'Tendance', type: 'choice', options: ['Stable', 'Aggravation'] }] }),
  putEventAudience: async () => ({ mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] }),
  createGuestLink: async () => ({ label: 'Préfecture — COD', access: 'write', includeChildren: false, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
  guestCheck: async (c, o) => ({ token: (await freshGuestLink(c, o)).token }),
  guestJoin: async (c, o) => ({ token: (await freshGuestLink(c, o)).token, name: 'Invitée de test' }),
  putSituation: async () => ({ severity: 3, values: { risque: 'Crue de la Mosson', tendance: 'Aggravation', personnes_exposees: 120 }, basedOnVersion: null }),
  changeActionStatus: async () => ({ status: 'doing', comment: 'Équipe partie' }),
  createRemoteMapLayer: async () => ({
    kind: 'wfs',
    name: `Écoles ${suffix()}`,
    url: 'https://sig.example.fr/geoserver/ows',
    layerName: 'ville:ecoles',
    version: '2.0.0',
    crs: 'EPSG:2154',
    style: { colour: '#1F5FA8', icon: 'school', labelField: 'nom' },
  }),
  updateMapLayer: async () => ({ name: `Couche renommée ${suffix()}`, style: { colour: '#d4121e', icon: 'health', labelField: 'nom' } }),
  createPerimeter: async () => ({
    category: 'evacuation',
    label: 'Quartier Port-Marianne',
    geometry: { type: 'Polygon', coordinates: [[[3.89, 43.6], [3.9, 43.6], [3.9, 43.61], [3.89, 43.6]]] },
    style: { colour: '#d4121e', lineWidth: 3, lineDash: 'solid', fillOpacity: 0.25 },
  }),
  updatePerimeter: async () => ({ label: 'Avenue de la Mer fermée', category: 'traffic_closure', geometry: { type: 'LineString', coordinates: [[3.89, 43.6], [3.91, 43.59]] } }),
  updatePlanUpkeep: async () => ({ lastRevisionOn: '2024-03-01' }),
  importPlan: async () => ({ format: 'vigie-pcs', version: 1, alertMeans: [{ name: `Sirène ${suffix()}`, coverage: 'Centre', rules: 'Sur ordre du maire' }] }),
  createVulnerablePerson: async () => ({ fullName: `Personne ${suffix()}`, address: '1 rue du Test', vulnerability: 'Isolée' }),
  updateVulnerablePerson: async () => ({ fullName: `Personne modifiée ${suffix()}`, needs: 'Portage de repas' }),
  createResource: async () => ({ name: `Véhicule ${suffix()}`, kind: 'vehicle', position: { lon: 3.88, lat: 43.61 } }),
  updateResource: async () => ({ note: 'Révisé', status: 'unavailable' }),
  engageResource: async (c, o) => ({ eventId: (await freshEvent(c, o)).id, note: 'Renfort' }),
  releaseResource: async () => ({ note: 'Retour au centre technique' }),
  setResourceOccupancy: async () => ({ occupancy: 12, reason: '' }),
  createRisk: async () => ({ name: `Risque ${suffix()}`, description: 'Glissement de terrain' }),
  updateRisk: async () => ({ description: 'Révisé avec le DICRIM 2026' }),
  createReflexSheet: async (c, o) => ({ title: `Fiche ${suffix()}`, functionId: await catalogueItemOf(c, o, 'crisis_functions'), steps: ['Alerter', 'Évacuer'] }),
  updateReflexSheet: async () => ({ steps: ['Alerter la population', 'Ouvrir le centre d’hébergement'] }),
  createContact: async () => ({ name: `Contact ${suffix()}`, phone: '04 00 00 00 00' }),
  updateContact: async () => ({ phoneAlt: '06 00 00 00 00' }),
  createOncallShift: async (c, o) => ({ contactId: (await freshContact(c, o)).id, line: 'Astreinte technique', startsAt: '2026-12-07T06:00:00Z', endsAt: '2026-12-14T06:00:00Z' }),
  createAlertMean: async () => ({ name: `Automate ${suffix()}`, rules: 'Sur ordre du maire' }),
  postVisioMessage: async () => ({ body: 'Point de situation à 14 h : la digue tient.' }),
  updateAlertMean: async () => ({ coverage: 'Toute la commune' }),
  createSite: async () => ({ name: `École ${suffix()}`, kind: 'school', position: { lon: 3.88, lat: 43.61 }, capacity: 200 }),
  updateSite: async () => ({ capacity: 220, notes: 'Accès par la rue arrière' }),
};

/** A contact of `o`'s crisis directory, with one on-call shift. */
async function freshContact(c: Ctx, o: OrgFixture): Promise<{ id: string; name: string; shiftId: string }> {
  const name = `Contact confidentiel ${suffix()}`;
  const { id } = await c.db.insertInto('pcs_contacts').values({ organisation_id: o.org.id, name, phone: '04 99 99 99 99' }).returning('id').executeTakeFirstOrThrow();
  const { id: shiftId } = await c.db
    .insertInto('pcs_oncall_shifts')
    .values({ organisation_id: o.org.id, contact_id: id, line: 'Astreinte de direction', starts_at: new Date(Date.now() - 3600_000), ends_at: new Date(Date.now() + 86_400_000) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, name, shiftId };
}

/** An alert mean and a sensitive site of `o`. */
async function freshNamed(c: Ctx, o: OrgFixture, table: 'pcs_alert_means' | 'pcs_sites'): Promise<{ id: string; name: string }> {
  const name = `${table === 'pcs_sites' ? 'Site' : 'Alerte'} confidentiel ${suffix()}`;
  const values = table === 'pcs_sites' ? { organisation_id: o.org.id, name, kind: 'school' as const, lon: 3.87, lat: 43.6 } : { organisation_id: o.org.id, name };
  const { id } = await c.db.insertInto(table as 'pcs_sites').values(values as never).returning('id').executeTakeFirstOrThrow();
  return { id, name };
}

/** A resource of `o`: available, or engaged on a fresh event. */
async function freshResource(c: Ctx, o: OrgFixture, opts: { engaged?: boolean; kind?: 'vehicle' | 'shelter' } = {}): Promise<{ id: string; name: string; eventId: string | null }> {
  const name = `Moyen confidentiel ${suffix()}`;
  const ev = opts.engaged ? await freshEvent(c, o) : null;
  const { id } = await c.db
    .insertInto('resources')
    .values({
      organisation_id: o.org.id,
      name,
      kind: opts.kind ?? 'vehicle',
      capacity: opts.kind === 'shelter' ? 50 : null,
      status: ev ? 'engaged' : 'available',
      engaged_event_id: ev?.id ?? null,
      engaged_at: ev ? new Date() : null,
      engaged_by_name: ev ? o.users.coordinator.display_name : null,
      lon: 3.87,
      lat: 43.6,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, name, eventId: ev?.id ?? null };
}

/** A person of `o`'s register of vulnerable people. */
async function freshVulnerable(c: Ctx, o: OrgFixture): Promise<{ id: string; fullName: string }> {
  const fullName = `Personne vulnérable ${suffix()}`;
  const { id } = await c.db.insertInto('pcs_vulnerable_people').values({ organisation_id: o.org.id, full_name: fullName, address: '2 rue Secrète' }).returning('id').executeTakeFirstOrThrow();
  return { id, fullName };
}

/** A risk of `o` with one reflex sheet (function of `o`), and a fresh event about it. */
/** A message of the virtual room of a fresh event of `o`. */
async function freshVisioMessage(c: Ctx, o: OrgFixture): Promise<{ eventId: string; messageId: string }> {
  const ev = await freshEvent(c, o);
  const { id } = await c.db
    .insertInto('visio_messages')
    .values({ event_id: ev.id, author_id: o.users.coordinator.id, author_name: 'Coordinateur', body: `Message confidentiel ${suffix()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { eventId: ev.id, messageId: id };
}

async function freshSheet(c: Ctx, o: OrgFixture): Promise<{ riskId: string; sheetId: string; eventId: string; title: string }> {
  const title = `Fiche confidentielle ${suffix()}`;
  const { id: riskId } = await c.db.insertInto('pcs_risks').values({ organisation_id: o.org.id, name: `Risque ${suffix()}` }).returning('id').executeTakeFirstOrThrow();
  const { id: sheetId } = await c.db
    .insertInto('pcs_reflex_sheets')
    .values({ organisation_id: o.org.id, risk_id: riskId, title, function_id: await catalogueItemOf(c, o, 'crisis_functions'), steps: ['Première étape', 'Deuxième étape'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ev = await freshEvent(c, o);
  await c.db.updateTable('events').set({ risk_id: riskId }).where('id', '=', ev.id).execute();
  // The contributor holds the sheet's function (and so may start it); readers may not write.
  const functionId = (await c.db.selectFrom('pcs_reflex_sheets').select('function_id').where('id', '=', sheetId).executeTakeFirstOrThrow()).function_id;
  await c.db.insertInto('user_functions').values({ user_id: o.users.contributor.id, function_id: functionId }).onConflict((oc) => oc.doNothing()).execute();
  return { riskId, sheetId, eventId: ev.id, title };
}

/** A live guest link of `o` on a fresh event (contributor access), with its raw token. */
async function freshGuestLink(c: Ctx, o: OrgFixture, access: 'read' | 'write' = 'write'): Promise<{ id: string; token: string; eventId: string }> {
  const ev = await freshEvent(c, o);
  const token = randomBytes(16).toString('base64url');
  const { id } = await c.db
    .insertInto('guest_links')
    .values({ organisation_id: o.org.id, event_id: ev.id, token_hash: createHash('sha256').update(token).digest('hex'), label: `Invité confidentiel ${suffix()}`, access, include_children: false, expires_at: new Date(Date.now() + 86_400_000), created_by: o.users.coordinator.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, token, eventId: ev.id };
}

/** An open action of `o` assigned to its contributor, on a fresh event. */
async function freshAction(c: Ctx, o: OrgFixture): Promise<{ id: string; eventId: string }> {
  const ev = await freshEvent(c, o);
  const { id } = await c.db
    .insertInto('actions')
    .values({ organisation_id: o.org.id, event_id: ev.id, entry_id: ev.entryId, entry_seq: 1, title: ev.entryText, assignee_user_id: o.users.contributor.id, assignee_name: o.users.contributor.display_name })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, eventId: ev.id };
}

const today = () => parisDateTime(new Date()).date;

/** An active campaign of `o` (daily, Vannes and Lorient asked) with one declaration of Vannes yesterday, corrected once. */
async function freshCampaign(c: Ctx, o: OrgFixture, status: 'active' | 'draft' = 'active'): Promise<{ id: string; name: string; declarationId: string; reason: string }> {
  const name = `Campagne confidentielle ${suffix()}`;
  const reason = `Motif confidentiel ${suffix()}`;
  const { id } = await c.db
    .insertInto('collection_campaigns')
    .values({ organisation_id: o.org.id, department_code: '56', name, period: 'daily', deadline: '10:00', start_date: addDays(today(), -30), status, created_by: o.users.coordinator.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  await c.db
    .insertInto('collection_indicators')
    .values([
      { campaign_id: id, key: 'domicile', position: 0, label: 'Décès à domicile' },
      { campaign_id: id, key: 'ehpad', position: 1, label: 'Décès en EHPAD' },
    ])
    .execute();
  await c.db.insertInto('collection_campaign_communes').values(['56260', '56121'].map((insee_code) => ({ campaign_id: id, insee_code }))).execute();
  const decl = await c.db
    .insertInto('collection_declarations')
    .values({ campaign_id: id, insee_code: '56260', period_date: addDays(today(), -1), values: JSON.stringify({ domicile: 2, ehpad: 1 }), version: 2, declared_by_name: 'Agent de A' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await c.db
    .insertInto('collection_declaration_history')
    .values({ declaration_id: decl.id, version: 2, user_name: 'Agent de A', old_values: JSON.stringify({ domicile: 1, ehpad: 1 }), new_values: JSON.stringify({ domicile: 2, ehpad: 1 }), reason })
    .execute();
  return { id, name, declarationId: decl.id, reason };
}

/** A contact of a commune of 56 invited by prefecture `o`, with its live activation token. */
async function freshInvitation(c: Ctx, o: OrgFixture): Promise<{ userId: string; email: string; name: string; token: string }> {
  const inseeCode = '56003';
  let org = await c.db.selectFrom('organisations').select('id').where('kind', '=', 'commune').where('insee_code', '=', inseeCode).executeTakeFirst();
  org ??= await buildOrganisation(c.db, { kind: 'commune', inseeCode, departmentCode: '56', name: `Commune d’Ambon ${suffix()}` });
  const email = `contact-${suffix()}@ambon.test`;
  const name = `Contact confidentiel ${suffix()}`;
  const user = await buildUser(c.db, { organisationId: org.id, email, displayName: name });
  const token = randomBytes(32).toString('base64url');
  await c.db
    .insertInto('commune_invitations')
    .values({ user_id: user.id, prefecture_id: o.org.id, insee_code: inseeCode, job_title: 'Secrétaire de mairie', phone: '02 97 00 00 00', token_hash: createHash('sha256').update(token).digest('hex'), expires_at: new Date(Date.now() + 86_400_000) })
    .execute();
  return { userId: user.id, email, name, token };
}

const csvFile = (text: string) => ({ fileName: 'import.csv', contentType: 'text/csv', data: Buffer.from(text, 'utf8') });

type CatalogueTable = 'event_types' | 'crisis_functions' | 'action_tags';

/** The first active item of one of the organisation's catalogues. */
async function catalogueItemOf(c: Ctx, o: OrgFixture, table: CatalogueTable): Promise<string> {
  const row = await c.db.selectFrom(table).select('id').where('organisation_id', '=', o.org.id).where('archived', '=', false).orderBy('position').executeTakeFirstOrThrow();
  return row.id;
}

async function freshCatalogueItem(c: Ctx, o: OrgFixture, table: CatalogueTable): Promise<string> {
  const row = await c.db.insertInto(table).values({ organisation_id: o.org.id, name: `Élément ${suffix()}`, position: 99 }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** An event of `o` with one entry written through the real chain; closed if asked. */
async function freshEvent(c: Ctx, o: OrgFixture, status: 'active' | 'closed' = 'active'): Promise<{ id: string; title: string; entryId: string; entryText: string }> {
  const title = `Événement confidentiel ${suffix()}`;
  const entryText = `Entrée confidentielle ${suffix()}`;
  const { id } = await c.db
    .insertInto('events')
    .values({ organisation_id: o.org.id, type_id: await catalogueItemOf(c, o, 'event_types'), title, status: 'active', severity: 2, starts_at: new Date(), created_by: o.users.coordinator.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const entryId = await c.db.transaction().execute(async (tx) => {
    const ev = (await lockEvent(tx, id))!;
    const entry = await appendEntry(tx, c.t.hub, ev, {
      kind: 'entry',
      occurredAt: ev.now,
      authorId: o.users.contributor.id,
      authorName: o.users.contributor.display_name,
      functionName: null,
      source: 'Police municipale',
      text: entryText,
      important: false,
      tags: [],
      attachments: [],
      correctsId: null,
    });
    if (status === 'closed') await tx.updateTable('events').set({ status: 'closed', closed_at: new Date() }).where('id', '=', id).execute();
    return entry.id;
  });
  return { id, title, entryId, entryText };
}

async function freshAttachment(c: Ctx, o: OrgFixture): Promise<string> {
  const ev = await freshEvent(c, o);
  const { id } = await c.db
    .insertInto('attachments')
    .values({ organisation_id: o.org.id, event_id: ev.id, file_name: 'digue.png', content_type: 'image/png', size_bytes: TINY_PNG.length, sha256: 'x'.repeat(64), uploaded_by: o.users.contributor.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  await c.db.insertInto('attachment_blobs').values({ attachment_id: id, data: TINY_PNG }).execute();
  return id;
}

/** An uploaded GeoJSON layer of `o` (two points, attribute `nom`), shared or attached to an event. */
async function freshLayer(c: Ctx, o: OrgFixture, eventId: string | null = null): Promise<{ id: string; name: string }> {
  const name = `Couche confidentielle ${suffix()}`;
  const geojson = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { nom: `Lieu confidentiel ${name}` }, geometry: { type: 'Point', coordinates: [3.88, 43.61] } }] });
  const { id } = await c.db
    .insertInto('map_layers')
    .values({
      organisation_id: o.org.id,
      event_id: eventId,
      name,
      kind: 'geojson',
      file_name: 'lieux.geojson',
      file_sha256: 'a'.repeat(64),
      file_size: geojson.length,
      source_crs: 'EPSG:4326',
      crs_origin: 'default',
      feature_count: 1,
      geometry_types: ['Point'],
      bbox: [3.88, 43.61, 3.88, 43.61],
      attribute_names: ['nom'],
      style: JSON.stringify({ colour: '#1f5fa8', icon: 'circle', labelField: null }),
      created_by: o.users.coordinator.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await c.db.insertInto('map_layer_data').values({ layer_id: id, geojson, sha256: 'b'.repeat(64) }).execute();
  return { id, name };
}

/** A WFS or WMS layer of `o` served by the fake OGC service of this file. */
async function freshRemoteLayer(c: Ctx, o: OrgFixture, kind: 'wfs' | 'wms'): Promise<{ id: string; name: string }> {
  const name = `Service confidentiel ${suffix()}`;
  const { id } = await c.db
    .insertInto('map_layers')
    .values({
      organisation_id: o.org.id,
      event_id: null,
      name,
      kind,
      url: `${ogc.url}/ows`,
      layer_name: kind === 'wfs' ? 'ville:postes' : 'ville:zones',
      service_version: kind === 'wfs' ? '2.0.0' : '1.3.0',
      remote_crs: 'EPSG:2154',
      geometry_types: [],
      attribute_names: [],
      style: JSON.stringify({ colour: '#1f5fa8', icon: 'circle', labelField: null }),
      created_by: o.users.coordinator.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, name };
}

/** A perimeter drawn on a fresh event of `o`. */
async function freshPerimeter(c: Ctx, o: OrgFixture): Promise<{ id: string; eventId: string; label: string }> {
  const ev = await freshEvent(c, o);
  const label = `Périmètre confidentiel ${suffix()}`;
  const { id } = await c.db
    .insertInto('event_perimeters')
    .values({
      organisation_id: o.org.id,
      event_id: ev.id,
      category: 'evacuation',
      label,
      geometry: JSON.stringify({ type: 'LineString', coordinates: [[3.88, 43.61], [3.89, 43.62]] }),
      style: JSON.stringify({ colour: '#d4121e', lineWidth: 3, lineDash: 'solid', fillOpacity: 0.2 }),
      created_by: o.users.coordinator.id,
      created_by_name: o.users.coordinator.display_name,
      updated_by: o.users.coordinator.id,
      updated_by_name: o.users.coordinator.display_name,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, eventId: ev.id, label };
}

const freshUser = (c: Ctx, o: OrgFixture) => buildUser(c.db, { organisationId: o.org.id, role: 'reader' });

/** A valid request to every route, on the resources of organisation `o` (fresh targets where the call changes them). */
const requestFor: Record<RouteId, (c: Ctx, o: OrgFixture) => Promise<Req>> = {
  health: async () => ({}),
  login: async (c, o) => ({ body: await validBodies.login(c, o) }),
  session: async () => ({}),
  logout: async () => ({}),
  logoutAll: async () => ({}),
  changePassword: async (c, o) => ({ body: await validBodies.changePassword(c, o) }),
  listOrganisations: async () => ({}),
  listUsers: async () => ({}),
  getUser: async (_c, o) => ({ params: { id: o.users.reader.id } }),
  createUser: async (c, o) => ({ body: await validBodies.createUser(c, o) }),
  updateUser: async (c, o) => ({ params: { id: (await freshUser(c, o)).id }, body: await validBodies.updateUser(c, o) }),
  resetUserPassword: async (c, o) => ({ params: { id: (await freshUser(c, o)).id } }),
  unlockUser: async (c, o) => ({ params: { id: (await freshUser(c, o)).id } }),
  listAudit: async () => ({ query: { limit: '10' } }),
  listShares: async () => ({}),
  createShare: async (c, o) => ({ body: await validBodies.createShare(c, o) }),
  deleteShare: async (c, o) => {
    const grantee = await buildOrganisation(c.db, { kind: 'partner' });
    const share = await c.db
      .insertInto('shares')
      .values({ owner_organisation_id: o.org.id, grantee_organisation_id: grantee.id, resource_type: 'announcements', access: 'read' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { params: { id: share.id } };
  },
  listAnnouncements: async () => ({ query: { limit: '5' } }),
  createAnnouncement: async (c, o) => ({ body: await validBodies.createAnnouncement(c, o) }),
  getDepartment: async () => ({ params: { code: '56' } }),
  getDepartmentOutlines: async () => ({ params: { code: '34' } }),
  listEventTypes: async () => ({}),
  createEventType: async (c, o) => ({ body: await validBodies.createEventType(c, o) }),
  updateEventType: async (c, o) => ({ params: { id: await freshCatalogueItem(c, o, 'event_types') }, body: await validBodies.updateEventType(c, o) }),
  listFunctions: async () => ({}),
  createFunction: async (c, o) => ({ body: await validBodies.createFunction(c, o) }),
  updateFunction: async (c, o) => ({ params: { id: await freshCatalogueItem(c, o, 'crisis_functions') }, body: await validBodies.updateFunction(c, o) }),
  listTags: async () => ({}),
  createTag: async (c, o) => ({ body: await validBodies.createTag(c, o) }),
  updateTag: async (c, o) => ({ params: { id: await freshCatalogueItem(c, o, 'action_tags') }, body: await validBodies.updateTag(c, o) }),
  listEvents: async () => ({ query: { limit: '10' } }),
  createEvent: async (c, o) => ({ body: await validBodies.createEvent(c, o) }),
  getEvent: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  updateEvent: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.updateEvent(c, o) }),
  closeEvent: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  reopenEvent: async (c, o) => ({ params: { id: (await freshEvent(c, o, 'closed')).id }, body: await validBodies.reopenEvent(c, o) }),
  listEntries: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, query: { limit: '10' } }),
  createEntry: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.createEntry(c, o) }),
  getEntry: async (c, o) => ({ params: { id: (await freshEvent(c, o)).entryId } }),
  verifyEvent: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  searchEntries: async () => ({ query: { limit: '10' } }),
  uploadAttachment: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, multipart: { fileName: 'photo.png', contentType: 'image/png', data: TINY_PNG } }),
  getAttachment: async (c, o) => ({ params: { id: await freshAttachment(c, o) } }),
  exportEventCsv: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, query: { includeChildren: 'true' } }),
  exportEventPdf: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, query: { includeChildren: 'false' } }),
  listCampaigns: async () => ({}),
  createCampaign: async (c, o) => ({ body: await validBodies.createCampaign(c, o) }),
  getCampaign: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id } }),
  updateCampaign: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, body: await validBodies.updateCampaign(c, o) }),
  putDeclaration: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id, inseeCode: '56260', date: today() }, body: await validBodies.putDeclaration(c, o) }),
  listDeclarations: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { from: addDays(today(), -7), to: today() } }),
  getDeclarationHistory: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id, inseeCode: '56260', date: addDays(today(), -1) } }),
  getCompleteness: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { date: addDays(today(), -1) } }),
  getDetection: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { inseeCode: '56260', days: '7' } }),
  getOverview: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { date: addDays(today(), -1), indicator: 'ehpad' } }),
  getTotals: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { from: addDays(today(), -7), to: today() } }),
  getReportPdf: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { date: addDays(today(), -1) } }),
  exportDeclarationsCsv: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { from: addDays(today(), -7), to: today() } }),
  exportDeclarationsDhis2: async (c, o) => ({ params: { id: (await freshCampaign(c, o)).id }, query: { from: addDays(today(), -7), to: today() } }),
  importDeclarations: async (c, o) => ({
    params: { id: (await freshCampaign(c, o)).id },
    multipart: csvFile(`date;code_insee;domicile;ehpad\n${addDays(today(), -2)};56121;1;0\n${addDays(today(), -2)};56260;0;2\n`),
  }),
  importContacts: async () => ({ multipart: csvFile(`code_insee;nom;email;fonction\n56003;Jeanne Essai;jeanne-${suffix()}@ambon.test;Secrétaire de mairie\n`) }),
  listContacts: async () => ({}),
  renewContactLink: async (c, o) => ({ params: { id: (await freshInvitation(c, o)).userId } }),
  checkActivation: async (c, o) => ({ body: await validBodies.checkActivation(c, o) }),
  activateAccount: async (c, o) => ({ body: await validBodies.activateAccount(c, o) }),
  getTypeAudience: async (c, o) => ({ params: { id: await catalogueItemOf(c, o, 'event_types') } }),
  putTypeAudience: async (c, o) => ({ params: { id: await freshCatalogueItem(c, o, 'event_types') }, body: await validBodies.putTypeAudience(c, o) }),
  getSituationForm: async (c, o) => ({ params: { id: await catalogueItemOf(c, o, 'event_types') } }),
  putSituationForm: async (c, o) => ({ params: { id: await freshCatalogueItem(c, o, 'event_types') }, body: await validBodies.putSituationForm(c, o) }),
  getEventAudience: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  putEventAudience: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.putEventAudience(c, o) }),
  listAssignees: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  listGuestLinks: async (c, o) => ({ params: { id: (await freshGuestLink(c, o)).eventId } }),
  createGuestLink: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.createGuestLink(c, o) }),
  revokeGuestLink: async (c, o) => ({ params: { id: (await freshGuestLink(c, o)).id } }),
  guestCheck: async (c, o) => ({ body: await validBodies.guestCheck(c, o) }),
  guestJoin: async (c, o) => ({ body: await validBodies.guestJoin(c, o) }),
  getSituation: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  putSituation: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.putSituation(c, o) }),
  listEventActions: async (c, o) => ({ params: { id: (await freshAction(c, o)).eventId }, query: { status: 'all' } }),
  listActions: async () => ({ query: { status: 'open', mine: 'false' } }),
  changeActionStatus: async (c, o) => ({ params: { id: (await freshAction(c, o)).id }, body: await validBodies.changeActionStatus(c, o) }),
  listMapLayers: async (c, o) => {
    const ev = await freshEvent(c, o);
    await freshLayer(c, o, ev.id);
    return { query: { eventId: ev.id } };
  },
  getMapLayer: async (c, o) => ({ params: { id: (await freshLayer(c, o)).id } }),
  getMapLayerFeatures: async (c, o) => ({ params: { id: (await freshLayer(c, o)).id } }),
  getMapLayerTile: async (c, o) => ({ params: { id: (await freshLayer(c, o)).id, z: '0', x: '0', y: '0' } }),
  uploadMapLayer: async () => ({ query: { crs: 'EPSG:2154' }, multipart: { fileName: 'lieux.geojson', contentType: 'application/geo+json', data: geojsonLambert93() } }),
  createRemoteMapLayer: async (c, o) => ({ body: await validBodies.createRemoteMapLayer(c, o) }),
  updateMapLayer: async (c, o) => ({ params: { id: (await freshLayer(c, o)).id }, body: await validBodies.updateMapLayer(c, o) }),
  deleteMapLayer: async (c, o) => ({ params: { id: (await freshLayer(c, o)).id } }),
  getRemoteLayerFeatures: async (c, o) => ({ params: { id: (await freshRemoteLayer(c, o, 'wfs')).id }, query: { bbox: '3.8,43.55,3.95,43.65' } }),
  getRemoteLayerImage: async (c, o) => ({ params: { id: (await freshRemoteLayer(c, o, 'wms')).id }, query: { bbox: '422000,5400000,440000,5412000', width: '256', height: '256', crs: 'EPSG:3857' } }),
  getEventMapSettings: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  listPerimeters: async (c, o) => ({ params: { id: (await freshPerimeter(c, o)).eventId } }),
  createPerimeter: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.createPerimeter(c, o) }),
  updatePerimeter: async (c, o) => ({ params: { id: (await freshPerimeter(c, o)).id }, body: await validBodies.updatePerimeter(c, o) }),
  deletePerimeter: async (c, o) => ({ params: { id: (await freshPerimeter(c, o)).id } }),
  exportEventGeojson: async (c, o) => ({ params: { id: (await freshPerimeter(c, o)).eventId } }),
  getPlan: async () => ({}),
  updatePlanUpkeep: async (c, o) => ({ body: await validBodies.updatePlanUpkeep(c, o) }),
  listRisks: async () => ({}),
  getDirectory: async () => ({}),
  listSites: async () => ({}),
  exportPlan: async () => ({}),
  importPlan: async (c, o) => ({ body: await validBodies.importPlan(c, o) }),
  exportPlanCsv: async () => ({ query: { kind: 'resources' } }),
  importPlanCsv: async () => ({ query: { kind: 'resources' }, multipart: { fileName: 'moyens.csv', contentType: 'text/csv', data: Buffer.from(`nom;type\nBarrières ${suffix()};Matériel\n`) } }),
  listVulnerablePeople: async () => ({}),
  createVulnerablePerson: async (c, o) => ({ body: await validBodies.createVulnerablePerson(c, o) }),
  updateVulnerablePerson: async (c, o) => ({ params: { id: (await freshVulnerable(c, o)).id }, body: await validBodies.updateVulnerablePerson(c, o) }),
  deleteVulnerablePerson: async (c, o) => ({ params: { id: (await freshVulnerable(c, o)).id } }),
  exportVulnerablePeople: async () => ({}),
  listResources: async () => ({}),
  createResource: async (c, o) => ({ body: await validBodies.createResource(c, o) }),
  updateResource: async (c, o) => ({ params: { id: (await freshResource(c, o)).id }, body: await validBodies.updateResource(c, o) }),
  engageResource: async (c, o) => ({ params: { id: (await freshResource(c, o)).id }, body: await validBodies.engageResource(c, o) }),
  releaseResource: async (c, o) => ({ params: { id: (await freshResource(c, o, { engaged: true })).id }, body: await validBodies.releaseResource(c, o) }),
  setResourceOccupancy: async (c, o) => ({ params: { id: (await freshResource(c, o, { engaged: true, kind: 'shelter' })).id }, body: await validBodies.setResourceOccupancy(c, o) }),
  createRisk: async (c, o) => ({ body: await validBodies.createRisk(c, o) }),
  updateRisk: async (c, o) => ({ params: { id: (await freshSheet(c, o)).riskId }, body: await validBodies.updateRisk(c, o) }),
  createReflexSheet: async (c, o) => ({ params: { id: (await freshSheet(c, o)).riskId }, body: await validBodies.createReflexSheet(c, o) }),
  updateReflexSheet: async (c, o) => ({ params: { id: (await freshSheet(c, o)).sheetId }, body: await validBodies.updateReflexSheet(c, o) }),
  createContact: async (c, o) => ({ body: await validBodies.createContact(c, o) }),
  updateContact: async (c, o) => ({ params: { id: (await freshContact(c, o)).id }, body: await validBodies.updateContact(c, o) }),
  createOncallShift: async (c, o) => ({ body: await validBodies.createOncallShift(c, o) }),
  deleteOncallShift: async (c, o) => ({ params: { id: (await freshContact(c, o)).shiftId } }),
  createAlertMean: async (c, o) => ({ body: await validBodies.createAlertMean(c, o) }),
  updateAlertMean: async (c, o) => ({ params: { id: (await freshNamed(c, o, 'pcs_alert_means')).id }, body: await validBodies.updateAlertMean(c, o) }),
  createSite: async (c, o) => ({ body: await validBodies.createSite(c, o) }),
  updateSite: async (c, o) => ({ params: { id: (await freshNamed(c, o, 'pcs_sites')).id }, body: await validBodies.updateSite(c, o) }),
  getEventReflexSheets: async (c, o) => ({ params: { id: (await freshSheet(c, o)).eventId } }),
  startReflexSheet: async (c, o) => {
    const s = await freshSheet(c, o);
    return { params: { id: s.eventId, sheetId: s.sheetId } };
  },
  getVisioRoom: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id } }),
  postVisioMessage: async (c, o) => ({ params: { id: (await freshEvent(c, o)).id }, body: await validBodies.postVisioMessage(c, o) }),
  copyVisioMessage: async (c, o) => {
    const m = await freshVisioMessage(c, o);
    return { params: { id: m.eventId, messageId: m.messageId } };
  },
};

function urlOf(def: RouteDef, req: Req): string {
  const path = buildPath(def.path, req.params ?? {});
  return req.query && Object.keys(req.query).length ? `${path}?${new URLSearchParams(req.query).toString()}` : path;
}

const isUnsafe = (def: RouteDef) => def.method !== 'GET';

let c: Ctx;
let port: number;
/** The GIS of both organisations' WFS and WMS layers (loopback). */
let ogc: FakeOgc;
/** Signed-in users of A and B, one per role. */
const sA = {} as Record<Role, Session>;
const sB = {} as Record<Role, Session>;

async function hit(session: Session | null, id: RouteId, req: Req, o: Parameters<typeof send>[4] = {}): Promise<LightMyRequestResponse> {
  const def: RouteDef = routes[id];
  const url = urlOf(def, req);
  const m = req.multipart ? multipartBody('file', req.multipart.fileName, req.multipart.contentType, req.multipart.data) : null;
  const payload = m ? { raw: m.payload, contentType: m.headers['content-type'] } : req.body === undefined ? {} : { json: req.body };
  return send(c.t.app, session, def.method as Method, url, { ...payload, ...o });
}

beforeAll(async () => {
  ogc = await startFakeOgc();
  const t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000', BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  const w = await buildWorld(t.db.database.db, { a: { kind: 'prefecture', departmentCode: '56' } });
  c = { t, db: t.db.database.db, A: { org: w.a, users: w.usersA }, B: { org: w.b, users: w.usersB } };
  for (const r of roles) {
    sA[r] = await signIn(t.app, w.usersA[r].email);
    sB[r] = await signIn(t.app, w.usersB[r].email);
  }
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await c?.t.close();
  await ogc?.close();
});

describe('route table', () => {
  it('registers every route of the table, and refuses to start when a route has no handler', async () => {
    for (const id of routeIds) {
      const def: RouteDef = routes[id];
      expect(c.t.app.hasRoute({ method: def.method, url: def.path }), `${id} ${def.method} ${def.path}`).toBe(true);
    }
    const handlers = allHandlers as Record<string, unknown>;
    const saved = handlers.listShares;
    delete handlers.listShares;
    try {
      await expect(buildApp(testConfig(), c.t.db.database, { logger: false })).rejects.toThrow(/listShares .*has no handler/);
    } finally {
      handlers.listShares = saved;
    }
  });

  it('answers route_not_found outside the table, for an unknown path or method', async () => {
    expectError(await send(c.t.app, sA.administrator, 'GET', '/api/inconnue'), 'route_not_found');
    expectError(await send(c.t.app, sA.administrator, 'PUT', '/api/users'), 'route_not_found');
    expectError(await send(c.t.app, null, 'GET', '/api'), 'route_not_found');
  });

  it('every route: a caller the table allows gets a 2xx answer matching the declared response schema', async () => {
    // Browser-like headers on every call: a same-origin request is never mistaken for a cross-site one.
    const browser = { host: 'localhost', origin: 'http://localhost', 'sec-fetch-site': 'same-origin' };
    for (const id of routeIds) {
      const def: RouteDef = routes[id];
      const access = def.access;
      const callers: Array<{ label: string; session: () => Promise<Session | null> }> =
        access.kind === 'public'
          ? [{ label: 'anonyme', session: async () => null }]
          : access.kind === 'authenticated'
            ? // logout, logout-all and password change end sessions: a fresh user each time.
              [{ label: 'contributeur', session: async () => signIn(c.t.app, (await freshUser(c, c.A)).email) }]
            : roles.filter((r) => can(r, access.permission)).map((r) => ({ label: r, session: async () => sA[r] }));
      expect(callers.length, id).toBeGreaterThan(0);
      for (const caller of callers) {
        const res = await hit(await caller.session(), id, await requestFor[id](c, c.A), { headers: browser });
        expect(res.statusCode, `${id} as ${caller.label}: ${res.body}`).toBeGreaterThanOrEqual(200);
        expect(res.statusCode, `${id} as ${caller.label}: ${res.body}`).toBeLessThan(300);
        if (def.response) {
          const parsed = def.response.safeParse(res.json());
          expect(parsed.success, `${id} response: ${parsed.error?.message}`).toBe(true);
        } else if (def.produces) {
          expect(def.produces, `${id} content-type`).toContain(String(res.headers['content-type']).split(';')[0]);
        } else if (res.statusCode !== 204) {
          expect(res.headers['content-type']).toMatch(/json/);
        }
      }
    }
  });
});

describe('access', () => {
  it('anonymous: every non-public route answers 401 unauthenticated (and a stale cookie 401 session_expired)', async () => {
    const stale: Session = { cookie: `vigie_session=${randomBytes(32).toString('base64url')}`, csrf: 'x', info: sA.reader.info };
    let checked = 0;
    for (const id of routeIds) {
      const def: RouteDef = routes[id];
      if (def.access.kind === 'public') continue;
      const req = await requestFor[id](c, c.A);
      const before = await countRows(c.db);
      expectError(await hit(null, id, req), 'unauthenticated');
      expectError(await hit(stale, id, req), 'session_expired');
      expect(await countRows(c.db), id).toEqual(before);
      checked++;
    }
    expect(checked).toBe(routeIds.filter((id) => routes[id].access.kind !== 'public').length);
    expect(checked).toBeGreaterThan(0);
  });

  it('permission: every role lacking a route’s permission gets 403 forbidden, and nothing changes', async () => {
    let denied = 0;
    for (const id of routeIds) {
      const def: RouteDef = routes[id];
      if (def.access.kind !== 'permission') continue;
      const permission = def.access.permission;
      for (const role of roles.filter((r) => !rolePermissions[r].has(permission))) {
        const req = await requestFor[id](c, c.A);
        const before = await countRows(c.db);
        expectError(await hit(sA[role], id, req), 'forbidden');
        expect(await countRows(c.db), `${id} as ${role}`).toEqual(before);
        denied++;
      }
    }
    // users.manage, audit.read, shares.* and announcements.publish are not everyone's.
    expect(denied).toBeGreaterThanOrEqual(15);
  });

  it('CSRF: every unsafe non-public route refuses a missing, wrong or foreign token and a cross-site origin', async () => {
    let checked = 0;
    for (const id of routeIds) {
      const def: RouteDef = routes[id];
      if (!isUnsafe(def) || def.access.kind === 'public') continue;
      const s = sA.administrator;
      const req = await requestFor[id](c, c.A);
      const before = await countRows(c.db);
      expectError(await hit(s, id, req, { csrf: null }), 'csrf_failed');
      expectError(await hit(s, id, req, { csrf: randomBytes(32).toString('base64url') }), 'csrf_failed');
      expectError(await hit(s, id, req, { csrf: 'court' }), 'csrf_failed');
      expectError(await hit(s, id, req, { csrf: sA.reader.csrf }), 'csrf_failed');
      expectError(await hit(s, id, req, { headers: { origin: 'https://attaquant.example' } }), 'csrf_failed');
      expectError(await hit(s, id, req, { headers: { origin: 'null' } }), 'csrf_failed');
      expectError(await hit(s, id, req, { headers: { 'sec-fetch-site': 'cross-site' } }), 'csrf_failed');
      expect(await countRows(c.db), id).toEqual(before);
      checked++;
    }
    expect(checked).toBe(routeIds.filter((id) => routes[id].method !== 'GET' && routes[id].access.kind !== 'public').length);
  });

  it('CSRF: a cross-site login is refused before any credential is checked', async () => {
    const before = await countRows(c.db);
    for (const headers of [{ origin: 'https://attaquant.example' } as Record<string, string>, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }, { origin: 'pas une url' }]) {
      const res = await hit(null, 'login', await requestFor.login(c, c.A), { headers });
      expectError(res, 'csrf_failed');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const after = await countRows(c.db);
    expect(after).toEqual({ ...before, users: before.users + 4 }); // only the four fresh accounts of the requests
    // The same request from the application's own origin signs in.
    const ok = await hit(null, 'login', await requestFor.login(c, c.A), { headers: { host: 'localhost', origin: 'http://localhost', 'sec-fetch-site': 'same-origin' } });
    expect(ok.statusCode).toBe(200);
  });
});

// --- Cross-organisation isolation ------------------------------------------------------------

interface Cross {
  /** A fresh session of org B's administrator (every permission). */
  asB: () => Promise<Session>;
  /** A signed-in administrator of A, used to check that A's sessions survive B's calls. */
  aAdmin: Session;
  aAnnouncements: Announcement[];
  aShare: Share;
  aLocked: UserRow;
  third: OrganisationRow;
  /** A's main courante: an active event with an entry and an attachment, a closed one, catalogues. */
  aEvent: Awaited<ReturnType<typeof freshEvent>>;
  aClosed: Awaited<ReturnType<typeof freshEvent>>;
  aAttachment: string;
  aType: string;
  aFunction: string;
  aTag: string;
  /** A's collection: an active campaign with a corrected declaration, and a draft. */
  aCampaign: Awaited<ReturnType<typeof freshCampaign>>;
  aDraft: Awaited<ReturnType<typeof freshCampaign>>;
  /** A commune contact invited by A, not activated yet. */
  aInvitation: Awaited<ReturnType<typeof freshInvitation>>;
  aGuestLink: Awaited<ReturnType<typeof freshGuestLink>>;
  aAction: Awaited<ReturnType<typeof freshAction>>;
  /** A's map: a layer shared by its events, one attached to `aEvent`, a perimeter drawn on `aEvent`. */
  aLayer: Awaited<ReturnType<typeof freshLayer>>;
  aWfsLayer: Awaited<ReturnType<typeof freshRemoteLayer>>;
  aWmsLayer: Awaited<ReturnType<typeof freshRemoteLayer>>;
  aEventLayer: Awaited<ReturnType<typeof freshLayer>>;
  aPerimeter: Awaited<ReturnType<typeof freshPerimeter>>;
  /** A's plan: an available resource, an engaged shelter, a person of the register, a reflex sheet of a risk. */
  aResource: Awaited<ReturnType<typeof freshResource>>;
  aEngaged: Awaited<ReturnType<typeof freshResource>>;
  aVulnerable: Awaited<ReturnType<typeof freshVulnerable>>;
  aSheet: Awaited<ReturnType<typeof freshSheet>>;
  aVisio: Awaited<ReturnType<typeof freshVisioMessage>>;
  aContact: Awaited<ReturnType<typeof freshContact>>;
  aAlertMean: Awaited<ReturnType<typeof freshNamed>>;
  aSite: Awaited<ReturnType<typeof freshNamed>>;
  /** Strings of A's private data that must never appear in an answer to B. */
  secrets: string[];
}

const expectNoSecretOf = (x: Cross, res: LightMyRequestResponse) => {
  for (const s of x.secrets) expect(res.body.includes(s), `A's ${s} leaked in ${res.body.slice(0, 300)}`).toBe(false);
};

/**
 * One case per route: org B's administrator acts on org A's resources. Specific resources answer
 * 404 (never 403: existence is not confirmed), lists hold none of A's data, and A's data is
 * unchanged afterwards (checked by the runner).
 */
const crossOrgCases: Record<RouteId, (x: Cross) => Promise<void>> = {
  health: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/health');
    expect(res.statusCode).toBe(200);
    expectNoSecretOf(x, res);
    expect(res.body).not.toContain(c.A.org.id);
  },
  login: async (x) => {
    const res = await send(c.t.app, null, 'POST', '/api/auth/login', { json: { email: c.B.users.administrator.email, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json().organisation.id).toBe(c.B.org.id);
    expectNoSecretOf(x, res);
    expect(res.body).not.toContain(c.A.org.id);
  },
  session: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/auth/session');
    expect(res.json().organisation.id).toBe(c.B.org.id);
    expectNoSecretOf(x, res);
    expect(res.body).not.toContain(c.A.org.id);
  },
  logout: async (x) => {
    expect((await send(c.t.app, await x.asB(), 'POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await send(c.t.app, x.aAdmin, 'GET', '/api/auth/session')).statusCode).toBe(200);
  },
  logoutAll: async (x) => {
    expect((await send(c.t.app, await x.asB(), 'POST', '/api/auth/logout-all')).statusCode).toBe(204);
    expect((await send(c.t.app, x.aAdmin, 'GET', '/api/auth/session')).statusCode).toBe(200);
  },
  changePassword: async (x) => {
    // Another administrator of B, so that B's main administrator keeps the test password.
    const other = await buildUser(c.db, { organisationId: c.B.org.id, role: 'administrator' });
    const s = await signIn(c.t.app, other.email);
    const res = await send(c.t.app, s, 'POST', '/api/auth/password', { json: { currentPassword: TEST_PASSWORD, newPassword: 'mot-de-passe-de-b-123' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(other.id);
    expect((await send(c.t.app, x.aAdmin, 'GET', '/api/auth/session')).statusCode).toBe(200);
  },
  listOrganisations: async (x) => {
    // The directory (names and codes) is visible to everyone, so that shares can name a recipient;
    // it carries no member and no data of the organisations.
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/organisations');
    expect(res.statusCode).toBe(200);
    for (const o of res.json().organisations) expect(Object.keys(o).sort()).toEqual(['departmentCode', 'id', 'inseeCode', 'kind', 'name']);
    expectNoSecretOf(x, res);
  },
  listUsers: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/users');
    expect(res.statusCode).toBe(200);
    const users = res.json().users as Array<{ organisationId: string }>;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.organisationId === c.B.org.id)).toBe(true);
    expectNoSecretOf(x, res);
  },
  getUser: async (x) => {
    const s = await x.asB();
    const missing = await send(c.t.app, s, 'GET', `/api/users/${crypto.randomUUID()}`);
    expectError(missing, 'not_found');
    for (const u of [...Object.values(c.A.users), x.aLocked]) {
      const res = await send(c.t.app, s, 'GET', `/api/users/${u.id}`);
      expectError(res, 'not_found');
      expect(res.body).toBe(missing.body); // indistinguishable from an id that does not exist
    }
  },
  createUser: async (x) => {
    const s = await x.asB();
    // The body cannot name another organisation: the account is created in the caller's.
    expectError(
      await send(c.t.app, s, 'POST', '/api/users', { json: { email: `x-${suffix()}@test.fr`, displayName: 'Intrus', role: 'administrator', organisationId: c.A.org.id } }),
      'validation_failed',
    );
    const res = await send(c.t.app, s, 'POST', '/api/users', { json: { email: `b-${suffix()}@test.fr`, displayName: 'Compte de B', role: 'administrator' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().user.organisationId).toBe(c.B.org.id);
  },
  updateUser: async (x) => {
    const s = await x.asB();
    for (const [u, body] of [
      [c.A.users.administrator, { role: 'reader' }],
      [c.A.users.reader, { status: 'disabled' }],
      [c.A.users.coordinator, { displayName: 'Renommé par B' }],
    ] as const) {
      expectError(await send(c.t.app, s, 'PATCH', `/api/users/${u.id}`, { json: body }), 'not_found');
    }
  },
  resetUserPassword: async (x) => {
    const s = await x.asB();
    for (const u of [c.A.users.administrator, c.A.users.reader]) {
      expectError(await send(c.t.app, s, 'POST', `/api/users/${u.id}/reset-password`), 'not_found');
    }
    expect((await send(c.t.app, x.aAdmin, 'GET', '/api/auth/session')).statusCode).toBe(200);
  },
  unlockUser: async (x) => {
    expectError(await send(c.t.app, await x.asB(), 'POST', `/api/users/${x.aLocked.id}/unlock`), 'not_found');
  },
  listAudit: async (x) => {
    const s = await x.asB();
    const maxA = (await c.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('m')).where('organisation_id', '=', c.A.org.id).executeTakeFirstOrThrow()).m as number;
    for (const query of ['limit=500', `limit=500&before=${maxA + 1}`, 'limit=500&entityType=user', 'limit=500&entityType=share', 'limit=500&entityType=announcement']) {
      const res = await send(c.t.app, s, 'GET', `/api/audit?${query}`);
      expect(res.statusCode).toBe(200);
      const records = res.json().records as Array<{ organisationId: string }>;
      expect(records.every((r) => r.organisationId === c.B.org.id), query).toBe(true);
      expectNoSecretOf(x, res);
      expect(res.body).not.toContain(c.A.org.id);
    }
  },
  listShares: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/shares');
    expect(res.statusCode).toBe(200);
    for (const sh of res.json().shares as Share[]) {
      expect(sh.ownerOrganisationId === c.B.org.id || sh.granteeOrganisationId === c.B.org.id).toBe(true);
    }
    expectNoSecretOf(x, res);
  },
  createShare: async (x) => {
    const s = await x.asB();
    // Sharing one of A's announcements as if it were B's: unknown to B.
    expectError(
      await send(c.t.app, s, 'POST', '/api/shares', {
        json: { granteeOrganisationId: x.third.id, resourceType: 'announcements', resourceId: x.aAnnouncements[0].id, access: 'write' },
      }),
      'not_found',
    );
    // Nor can the body name an owner.
    expectError(
      await send(c.t.app, s, 'POST', '/api/shares', {
        json: { ownerOrganisationId: c.A.org.id, granteeOrganisationId: c.B.org.id, resourceType: 'announcements', access: 'read' },
      }),
      'validation_failed',
    );
  },
  deleteShare: async (x) => {
    const s = await x.asB();
    expectError(await send(c.t.app, s, 'DELETE', `/api/shares/${x.aShare.id}`), 'not_found');
    expectError(await send(c.t.app, s, 'DELETE', `/api/shares/${crypto.randomUUID()}`), 'not_found');
  },
  listAnnouncements: async (x) => {
    const s = await x.asB();
    const forA = await send(c.t.app, s, 'GET', `/api/announcements?organisationId=${c.A.org.id}`);
    const unknown = await send(c.t.app, s, 'GET', `/api/announcements?organisationId=${crypto.randomUUID()}`);
    expectError(forA, 'not_found');
    expect(forA.body).toBe(unknown.body);
    const own = await send(c.t.app, s, 'GET', '/api/announcements?limit=200');
    expect(own.statusCode).toBe(200);
    expect((own.json().announcements as Announcement[]).every((a) => a.organisationId === c.B.org.id)).toBe(true);
    expectNoSecretOf(x, own);
  },
  createAnnouncement: async (x) => {
    const s = await x.asB();
    expectError(await send(c.t.app, s, 'POST', '/api/announcements', { json: { text: 'Chez A ?', organisationId: c.A.org.id } }), 'validation_failed');
    const res = await send(c.t.app, s, 'POST', '/api/announcements', { json: { text: 'Message de B', level: 'urgent' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().organisationId).toBe(c.B.org.id);
  },
  getDepartment: async (x) => {
    // Reference data, the same for every organisation; it names no organisation.
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/territory/departments/34');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(c.A.org.id);
    expectNoSecretOf(x, res);
  },
  getDepartmentOutlines: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/territory/departments/34/communes.geojson');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(c.A.org.id);
  },
  listEventTypes: async (x) => listHoldsNothingOfA(x, '/api/event-types'),
  createEventType: async (x) => createsInB(x, '/api/event-types', 'event_types'),
  updateEventType: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/event-types/${x.aType}`, { json: { name: 'Piraté' } }), 'not_found'),
  listFunctions: async (x) => listHoldsNothingOfA(x, '/api/functions'),
  createFunction: async (x) => createsInB(x, '/api/functions', 'crisis_functions'),
  updateFunction: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/functions/${x.aFunction}`, { json: { archived: true } }), 'not_found'),
  listTags: async (x) => listHoldsNothingOfA(x, '/api/tags'),
  createTag: async (x) => createsInB(x, '/api/tags', 'action_tags'),
  updateTag: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/tags/${x.aTag}`, { json: { name: 'piratée' } }), 'not_found'),
  listEvents: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/events?limit=500');
    expect(res.statusCode).toBe(200);
    expectNoSecretOf(x, res);
  },
  createEvent: async (x) => {
    const s = await x.asB();
    const bType = await catalogueItemOf(c, c.B, 'event_types');
    // Neither a parent nor a type of A can be used, and the answer does not say which exists.
    expectError(await send(c.t.app, s, 'POST', '/api/events', { json: { typeId: bType, title: 'Fils chez A', parentId: x.aEvent.id } }), 'invalid_parent');
    expectError(await send(c.t.app, s, 'POST', '/api/events', { json: { typeId: x.aType, title: 'Type de A' } }), 'unknown_event_type');
  },
  getEvent: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}`), 'not_found'),
  updateEvent: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/events/${x.aEvent.id}`, { json: { severity: 4 } }), 'not_found'),
  closeEvent: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aEvent.id}/close`), 'not_found'),
  reopenEvent: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aClosed.id}/reopen`, { json: { reason: 'réouverture par B' } }), 'not_found'),
  listEntries: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/entries`), 'not_found'),
  createEntry: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aEvent.id}/entries`, { json: { text: 'Écrit par B chez A' } }), 'not_found'),
  getEntry: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/entries/${x.aEvent.entryId}`), 'not_found'),
  verifyEvent: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/verify`), 'not_found'),
  searchEntries: async (x) => {
    const s = await x.asB();
    for (const q of [x.aEvent.entryText, 'confidentielle', 'Police municipale']) {
      const res = await send(c.t.app, s, 'GET', `/api/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().total).toBe(0);
      expectNoSecretOf(x, res);
    }
  },
  uploadAttachment: async (x) => {
    const m = multipartBody('file', 'photo.png', 'image/png', TINY_PNG);
    expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aEvent.id}/attachments`, { raw: m.payload, contentType: m.headers['content-type'] }), 'not_found');
  },
  getAttachment: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/attachments/${x.aAttachment}`), 'not_found'),
  exportEventCsv: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/export.csv`), 'not_found'),
  exportEventPdf: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/export.pdf?includeChildren=true`), 'not_found'),
  // B is another prefecture of the same department: it sees none of A's campaigns.
  listCampaigns: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/campaigns');
    expect(res.statusCode).toBe(200);
    expect((res.json().campaigns as Array<{ organisationId: string }>).every((k) => k.organisationId === c.B.org.id)).toBe(true);
    expectNoSecretOf(x, res);
  },
  createCampaign: async (x) => {
    const s = await x.asB();
    const body = await validBodies.createCampaign(c, c.B);
    expectError(await send(c.t.app, s, 'POST', '/api/campaigns', { json: { ...body, organisationId: c.A.org.id } }), 'validation_failed');
    const res = await send(c.t.app, s, 'POST', '/api/campaigns', { json: body });
    expect(res.statusCode).toBe(201);
    expect(res.json().organisationId).toBe(c.B.org.id);
    expectNoSecretOf(x, res);
  },
  getCampaign: async (x) => {
    const s = await x.asB();
    const missing = await send(c.t.app, s, 'GET', `/api/campaigns/${crypto.randomUUID()}`);
    expectError(missing, 'not_found');
    for (const k of [x.aCampaign, x.aDraft]) {
      const res = await send(c.t.app, s, 'GET', `/api/campaigns/${k.id}`);
      expectError(res, 'not_found');
      expect(res.body).toBe(missing.body);
    }
  },
  updateCampaign: async (x) => {
    const s = await x.asB();
    for (const body of [{ name: 'Pris par B' }, { status: 'closed' }]) expectError(await send(c.t.app, s, 'PATCH', `/api/campaigns/${x.aCampaign.id}`, { json: body }), 'not_found');
    expectError(await send(c.t.app, s, 'PATCH', `/api/campaigns/${x.aDraft.id}`, { json: { communes: ['56003'] } }), 'not_found');
  },
  putDeclaration: async (x) => {
    const s = await x.asB();
    for (const date of [today(), addDays(today(), -1)]) {
      expectError(await send(c.t.app, s, 'PUT', `/api/campaigns/${x.aCampaign.id}/declarations/56260/${date}`, { json: { values: { domicile: 9, ehpad: 9 }, reason: 'B' } }), 'not_found');
    }
  },
  listDeclarations: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/declarations?from=${addDays(today(), -30)}&to=${today()}`), 'not_found'),
  getDeclarationHistory: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/declarations/56260/${addDays(today(), -1)}/history`), 'not_found'),
  getCompleteness: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/completeness?date=${today()}`), 'not_found'),
  getDetection: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/detection?inseeCode=56260`), 'not_found'),
  getOverview: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/overview?date=${today()}`), 'not_found'),
  getTotals: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/totals?from=${addDays(today(), -7)}&to=${today()}`), 'not_found'),
  getReportPdf: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/report.pdf?date=${today()}`), 'not_found'),
  exportDeclarationsCsv: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/export.csv?from=${addDays(today(), -30)}&to=${today()}`), 'not_found'),
  exportDeclarationsDhis2: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/campaigns/${x.aCampaign.id}/export.dhis2.json?from=${addDays(today(), -30)}&to=${today()}`), 'not_found'),
  importDeclarations: async (x) => {
    const m = multipartBody('file', 'b.csv', 'text/csv', Buffer.from(`date;code_insee;domicile;ehpad\n${addDays(today(), -1)};56260;9;9\n`));
    expectError(await send(c.t.app, await x.asB(), 'POST', `/api/campaigns/${x.aCampaign.id}/import?reason=B`, { raw: m.payload, contentType: m.headers['content-type'] }), 'not_found');
  },
  importContacts: async (x) => {
    // B invites into the same commune: its own invitation; A's contact, named again, is reported as existing, untouched.
    const m = multipartBody('file', 'b.csv', 'text/csv', Buffer.from(`code_insee;nom;email\n56003;Contact de B;b-${suffix()}@ambon.test\n56003;Renommé par B;${x.aInvitation.email}\n`));
    const res = await send(c.t.app, await x.asB(), 'POST', '/api/onboarding/contacts', { raw: m.payload, contentType: m.headers['content-type'] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 1, existing: 1 });
    expectNoSecretOf(x, res);
  },
  listContacts: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/onboarding/contacts');
    expect(res.statusCode).toBe(200);
    expect((res.json().contacts as Array<{ userId: string }>).map((k) => k.userId)).not.toContain(x.aInvitation.userId);
    expectNoSecretOf(x, res);
  },
  renewContactLink: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/onboarding/contacts/${x.aInvitation.userId}/link`), 'not_found'),
  checkActivation: async (x) => {
    const res = await send(c.t.app, null, 'POST', '/api/activation/check', { json: { token: randomBytes(32).toString('base64url') } });
    expectError(res, 'activation_invalid');
    expectNoSecretOf(x, res);
  },
  activateAccount: async (x) => {
    const res = await send(c.t.app, null, 'POST', '/api/activation', { json: { token: randomBytes(32).toString('base64url'), password: 'un-mot-de-passe-de-b' } });
    expectError(res, 'activation_invalid');
    expect(res.headers['set-cookie']).toBeUndefined();
    expectNoSecretOf(x, res);
  },
  getTypeAudience: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/event-types/${x.aType}/audience`), 'not_found'),
  putTypeAudience: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PUT', `/api/event-types/${x.aType}/audience`, { json: { mode: 'organisation', grants: [] } }), 'not_found'),
  getSituationForm: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/event-types/${x.aType}/situation-form`), 'not_found'),
  putSituationForm: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'PUT', `/api/event-types/${x.aType}/situation-form`, { json: { fields: [{ key: 'x', label: 'X', type: 'text' }] } }), 'not_found'),
  getEventAudience: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/audience`), 'not_found'),
  putEventAudience: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PUT', `/api/events/${x.aEvent.id}/audience`, { json: { mode: 'organisation', grants: [] } }), 'not_found'),
  listAssignees: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/assignees`), 'not_found'),
  listGuestLinks: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/guest-links`), 'not_found'),
  createGuestLink: async (x) =>
    void expectError(
      await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aEvent.id}/guest-links`, { json: { label: 'B', access: 'write', expiresAt: new Date(Date.now() + 3600_000).toISOString() } }),
      'not_found',
    ),
  revokeGuestLink: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/guest-links/${x.aGuestLink.id}/revoke`), 'not_found'),
  guestCheck: async (x) => {
    const res = await send(c.t.app, null, 'POST', '/api/guest/check', { json: { token: randomBytes(16).toString('base64url') } });
    expectError(res, 'guest_link_invalid');
    expectNoSecretOf(x, res);
  },
  guestJoin: async (x) => {
    const res = await send(c.t.app, null, 'POST', '/api/guest/join', { json: { token: randomBytes(16).toString('base64url'), name: 'Intrus' } });
    expectError(res, 'guest_link_invalid');
    expect(res.headers['set-cookie']).toBeUndefined();
  },
  getSituation: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/situation`), 'not_found'),
  putSituation: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aEvent.id}/situation`, { json: { severity: 4, values: {}, basedOnVersion: null } }), 'not_found'),
  listEventActions: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aAction.eventId}/actions`), 'not_found'),
  listActions: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', '/api/actions?status=all');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(x.aAction.id);
    expectNoSecretOf(x, res);
  },
  changeActionStatus: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/actions/${x.aAction.id}/status`, { json: { status: 'done' } }), 'not_found'),
  listMapLayers: async (x) => {
    const s = await x.asB();
    const own = await send(c.t.app, s, 'GET', '/api/map-layers');
    expect(own.statusCode).toBe(200);
    expect((own.json().layers as Array<{ organisationId: string }>).every((l) => l.organisationId === c.B.org.id)).toBe(true);
    expectNoSecretOf(x, own);
    expectError(await send(c.t.app, s, 'GET', `/api/map-layers?eventId=${x.aEvent.id}`), 'not_found');
  },
  getMapLayer: async (x) => {
    const s = await x.asB();
    for (const l of [x.aLayer, x.aEventLayer]) expectError(await send(c.t.app, s, 'GET', `/api/map-layers/${l.id}`), 'not_found');
  },
  getMapLayerFeatures: async (x) => {
    const s = await x.asB();
    for (const l of [x.aLayer, x.aEventLayer]) expectError(await send(c.t.app, s, 'GET', `/api/map-layers/${l.id}/features`), 'not_found');
  },
  getMapLayerTile: async (x) => {
    const s = await x.asB();
    for (const l of [x.aLayer, x.aEventLayer]) expectError(await send(c.t.app, s, 'GET', `/api/map-layers/${l.id}/tiles/0/0/0`), 'not_found');
  },
  uploadMapLayer: async (x) => {
    const s = await x.asB();
    const m = () => multipartBody('file', 'lieux.geojson', 'application/geo+json', geojsonLambert93());
    const intoA = m();
    expectError(await send(c.t.app, s, 'POST', `/api/map-layers/upload?eventId=${x.aEvent.id}`, { raw: intoA.payload, contentType: intoA.headers['content-type'] }), 'not_found');
    const own = m();
    const res = await send(c.t.app, s, 'POST', '/api/map-layers/upload', { raw: own.payload, contentType: own.headers['content-type'] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ organisationId: c.B.org.id, eventId: null });
  },
  createRemoteMapLayer: async (x) => {
    const body = await validBodies.createRemoteMapLayer(c, c.B);
    expectError(await send(c.t.app, await x.asB(), 'POST', '/api/map-layers', { json: { ...body, eventId: x.aEvent.id } }), 'not_found');
    expectError(await send(c.t.app, await x.asB(), 'POST', '/api/map-layers', { json: { ...body, organisationId: c.A.org.id } }), 'validation_failed');
  },
  updateMapLayer: async (x) => {
    const s = await x.asB();
    for (const l of [x.aLayer, x.aEventLayer]) expectError(await send(c.t.app, s, 'PATCH', `/api/map-layers/${l.id}`, { json: { name: 'Renommée par B' } }), 'not_found');
  },
  deleteMapLayer: async (x) => {
    const s = await x.asB();
    for (const l of [x.aLayer, x.aEventLayer]) expectError(await send(c.t.app, s, 'DELETE', `/api/map-layers/${l.id}`), 'not_found');
  },
  getRemoteLayerFeatures: async (x) => {
    const s = await x.asB();
    const res = await send(c.t.app, s, 'GET', `/api/map-layers/${x.aWfsLayer.id}/wfs?bbox=3.8,43.55,3.95,43.65`);
    expectError(res, 'not_found');
    expectNoSecretOf(x, res);
  },
  getRemoteLayerImage: async (x) => {
    const s = await x.asB();
    expectError(await send(c.t.app, s, 'GET', `/api/map-layers/${x.aWmsLayer.id}/wms?bbox=422000,5400000,440000,5412000&width=256&height=256&crs=EPSG:3857`), 'not_found');
  },
  getEventMapSettings: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aEvent.id}/map`), 'not_found'),
  listPerimeters: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aPerimeter.eventId}/perimeters`), 'not_found'),
  createPerimeter: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aEvent.id}/perimeters`, { json: await validBodies.createPerimeter(c, c.B) }), 'not_found'),
  updatePerimeter: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/perimeters/${x.aPerimeter.id}`, { json: { label: 'Par B' } }), 'not_found'),
  deletePerimeter: async (x) => void expectError(await send(c.t.app, await x.asB(), 'DELETE', `/api/perimeters/${x.aPerimeter.id}`), 'not_found'),
  exportEventGeojson: async (x) => {
    const res = await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aPerimeter.eventId}/export.geojson`);
    expectError(res, 'not_found');
    expectNoSecretOf(x, res);
  },
  // The plan is the organisation's own: B's reads hold nothing of A, B's writes land in B.
  getPlan: async (x) => void ownOnly(x, 'GET', '/api/plan'),
  updatePlanUpkeep: async (x) => void ownOnly(x, 'PUT', '/api/plan/upkeep', { lastExerciseOn: '2025-01-01' }),
  listRisks: async (x) => void ownOnly(x, 'GET', '/api/plan/risks'),
  getDirectory: async (x) => void ownOnly(x, 'GET', '/api/plan/directory'),
  listSites: async (x) => void ownOnly(x, 'GET', '/api/plan/sites'),
  exportPlan: async (x) => void ownOnly(x, 'GET', '/api/plan/export.json'),
  importPlan: async (x) => void ownOnly(x, 'POST', '/api/plan/import', await validBodies.importPlan(c, c.B)),
  exportPlanCsv: async (x) => void ownOnly(x, 'GET', '/api/plan/export.csv?kind=resources'),
  importPlanCsv: async (x) => {
    const m = multipartBody('file', 'annuaire.csv', 'text/csv', Buffer.from(`nom;telephone\nContact de B ${suffix()};0102030405\n`));
    const res = await send(c.t.app, await x.asB(), 'POST', '/api/plan/import.csv?kind=contacts', { raw: m.payload, contentType: m.headers['content-type'] });
    expect(res.statusCode).toBe(200);
    expectNoSecretOf(x, res);
  },
  listVulnerablePeople: async (x) => void ownOnly(x, 'GET', '/api/plan/vulnerable-people'),
  createVulnerablePerson: async (x) => void ownOnly(x, 'POST', '/api/plan/vulnerable-people', await validBodies.createVulnerablePerson(c, c.B)),
  updateVulnerablePerson: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PUT', `/api/plan/vulnerable-people/${x.aVulnerable.id}`, { json: { fullName: 'Par B' } }), 'not_found'),
  deleteVulnerablePerson: async (x) => void expectError(await send(c.t.app, await x.asB(), 'DELETE', `/api/plan/vulnerable-people/${x.aVulnerable.id}`), 'not_found'),
  exportVulnerablePeople: async (x) => void ownOnly(x, 'GET', '/api/plan/vulnerable-people/export.csv'),
  listResources: async (x) => void ownOnly(x, 'GET', '/api/resources'),
  createResource: async (x) => void ownOnly(x, 'POST', '/api/resources', await validBodies.createResource(c, c.B)),
  updateResource: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/resources/${x.aResource.id}`, { json: { note: 'Par B' } }), 'not_found'),
  engageResource: async (x) => {
    const s = await x.asB();
    // A's resource on B's event, and B's resource on A's event: both unknown to B.
    const bEvent = await freshEvent(c, c.B);
    expectError(await send(c.t.app, s, 'POST', `/api/resources/${x.aResource.id}/engage`, { json: { eventId: bEvent.id } }), 'not_found');
    const bResource = await freshResource(c, c.B);
    expectError(await send(c.t.app, s, 'POST', `/api/resources/${bResource.id}/engage`, { json: { eventId: x.aEvent.id } }), 'not_found');
  },
  releaseResource: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/resources/${x.aEngaged.id}/release`, { json: {} }), 'not_found'),
  setResourceOccupancy: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PUT', `/api/resources/${x.aEngaged.id}/occupancy`, { json: { occupancy: 3 } }), 'not_found'),
  createRisk: async (x) => void ownOnly(x, 'POST', '/api/plan/risks', await validBodies.createRisk(c, c.B)),
  updateRisk: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/plan/risks/${x.aSheet.riskId}`, { json: { name: 'Par B' } }), 'not_found'),
  createReflexSheet: async (x) => {
    const s = await x.asB();
    // On A's risk (with B's function), and on B's risk with A's function: neither is B's to use.
    expectError(await send(c.t.app, s, 'POST', `/api/plan/risks/${x.aSheet.riskId}/sheets`, { json: await validBodies.createReflexSheet(c, c.B) }), 'not_found');
    const bRisk = await freshSheet(c, c.B);
    expectError(await send(c.t.app, s, 'POST', `/api/plan/risks/${bRisk.riskId}/sheets`, { json: { title: 'Par B', functionId: x.aFunction, steps: ['Étape'] } }), 'unknown_function');
  },
  updateReflexSheet: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/plan/sheets/${x.aSheet.sheetId}`, { json: { title: 'Par B' } }), 'not_found'),
  createContact: async (x) => void ownOnly(x, 'POST', '/api/plan/contacts', await validBodies.createContact(c, c.B)),
  updateContact: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/plan/contacts/${x.aContact.id}`, { json: { phone: 'Par B' } }), 'not_found'),
  createOncallShift: async (x) =>
    void expectError(await send(c.t.app, await x.asB(), 'POST', '/api/plan/oncall', { json: { contactId: x.aContact.id, line: 'Par B', startsAt: '2026-12-07T06:00:00Z', endsAt: '2026-12-08T06:00:00Z' } }), 'not_found'),
  deleteOncallShift: async (x) => void expectError(await send(c.t.app, await x.asB(), 'DELETE', `/api/plan/oncall/${x.aContact.shiftId}`), 'not_found'),
  createAlertMean: async (x) => void ownOnly(x, 'POST', '/api/plan/alert-means', await validBodies.createAlertMean(c, c.B)),
  updateAlertMean: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/plan/alert-means/${x.aAlertMean.id}`, { json: { rules: 'Par B' } }), 'not_found'),
  createSite: async (x) => void ownOnly(x, 'POST', '/api/plan/sites', await validBodies.createSite(c, c.B)),
  updateSite: async (x) => void expectError(await send(c.t.app, await x.asB(), 'PATCH', `/api/plan/sites/${x.aSite.id}`, { json: { notes: 'Par B' } }), 'not_found'),
  getEventReflexSheets: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aSheet.eventId}/reflex-sheets`), 'not_found'),
  startReflexSheet: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aSheet.eventId}/reflex-sheets/${x.aSheet.sheetId}/start`), 'not_found'),
  getVisioRoom: async (x) => void expectError(await send(c.t.app, await x.asB(), 'GET', `/api/events/${x.aVisio.eventId}/visio`), 'not_found'),
  postVisioMessage: async (x) => void expectError(await send(c.t.app, await x.asB(), 'POST', `/api/events/${x.aVisio.eventId}/visio/messages`, { json: { body: 'Écrit par B' } }), 'not_found'),
  copyVisioMessage: async (x) => {
    const s = await x.asB();
    expectError(await send(c.t.app, s, 'POST', `/api/events/${x.aVisio.eventId}/visio/messages/${x.aVisio.messageId}/entry`), 'not_found');
    // A's message through B's own event: unknown too.
    const bEvent = await freshEvent(c, c.B);
    expectError(await send(c.t.app, s, 'POST', `/api/events/${bEvent.id}/visio/messages/${x.aVisio.messageId}/entry`), 'not_found');
  },
};

/** B's administrator calls a route of its own plan: success, and nothing of A in the answer. */
async function ownOnly(x: Cross, method: Method, url: string, json?: unknown) {
  const res = await send(c.t.app, await x.asB(), method, url, json === undefined ? {} : { json });
  expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(300);
  expectNoSecretOf(x, res);
}

async function listHoldsNothingOfA(x: Cross, url: string) {
  const res = await send(c.t.app, await x.asB(), 'GET', url);
  expect(res.statusCode).toBe(200);
  expect(res.json().items.length).toBeGreaterThan(0);
  expectNoSecretOf(x, res);
}

async function createsInB(x: Cross, url: string, table: CatalogueTable) {
  const res = await send(c.t.app, await x.asB(), 'POST', url, { json: { name: `Créé par B ${suffix()}` } });
  expect(res.statusCode).toBe(201);
  const row = await c.db.selectFrom(table).select('organisation_id').where('id', '=', res.json().id).executeTakeFirstOrThrow();
  expect(row.organisation_id).toBe(c.B.org.id);
}

/** Everything of org A a call by B could change. */
async function snapshotOf(orgId: string) {
  const db = c.db;
  const users = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'role', 'status', 'password_hash', 'must_change_password', 'password_changed_at', 'updated_at'])
    .where('organisation_id', '=', orgId)
    .orderBy('id')
    .execute();
  const ids = users.map((u) => u.id);
  const campaignsOf = db.selectFrom('collection_campaigns').select('id').where('organisation_id', '=', orgId);
  return {
    organisation: await db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow(),
    users,
    sessions: await db.selectFrom('sessions').select(['id', 'user_id', 'expires_at']).where('user_id', 'in', ids).orderBy('id').execute(),
    throttle: await db.selectFrom('login_throttle').select(['key', 'failures', 'blocked_until']).where('key', 'in', users.map((u) => accountKey(u.email))).orderBy('key').execute(),
    announcements: await db.selectFrom('announcements').select(['id', 'text', 'level', 'author_id']).where('organisation_id', '=', orgId).orderBy('id').execute(),
    shares: await db
      .selectFrom('shares')
      .selectAll()
      .where((eb) => eb.or([eb('owner_organisation_id', '=', orgId), eb('grantee_organisation_id', '=', orgId)]))
      .orderBy('id')
      .execute(),
    audit: await db.selectFrom('audit_log').select(['id', 'action']).where('organisation_id', '=', orgId).orderBy('id').execute(),
    realtime: await db.selectFrom('realtime_messages').select(['topic', 'seq']).where('topic', 'like', `%:${orgId}`).orderBy('topic').orderBy('seq').execute(),
    events: await db.selectFrom('events').selectAll().where('organisation_id', '=', orgId).orderBy('id').execute(),
    entries: await db.selectFrom('log_entries').select(['id', 'seq', 'hash']).where('organisation_id', '=', orgId).orderBy('id').execute(),
    attachments: await db.selectFrom('attachments').selectAll().where('organisation_id', '=', orgId).orderBy('id').execute(),
    catalogues: await Promise.all(
      (['event_types', 'crisis_functions', 'action_tags'] as const).map((t) => db.selectFrom(t).selectAll().where('organisation_id', '=', orgId).orderBy('id').execute()),
    ),
    campaigns: await db.selectFrom('collection_campaigns').selectAll().where('organisation_id', '=', orgId).orderBy('id').execute(),
    indicators: await db.selectFrom('collection_indicators').selectAll().where('campaign_id', 'in', campaignsOf).orderBy('campaign_id').orderBy('key').execute(),
    campaignCommunes: await db.selectFrom('collection_campaign_communes').selectAll().where('campaign_id', 'in', campaignsOf).orderBy('campaign_id').orderBy('insee_code').execute(),
    declarations: await db.selectFrom('collection_declarations').selectAll().where('campaign_id', 'in', campaignsOf).orderBy('id').execute(),
    declarationHistory: await db
      .selectFrom('collection_declaration_history as h')
      .innerJoin('collection_declarations as d', 'd.id', 'h.declaration_id')
      .selectAll('h')
      .where('d.campaign_id', 'in', campaignsOf)
      .orderBy('h.id')
      .execute(),
    invitations: await db.selectFrom('commune_invitations').selectAll().where('prefecture_id', '=', orgId).orderBy('user_id').execute(),
    invitedUsers: await db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'role', 'status', 'password_hash'])
      .where('id', 'in', db.selectFrom('commune_invitations').select('user_id').where('prefecture_id', '=', orgId))
      .orderBy('id')
      .execute(),
    detection: await db.selectFrom('collection_detection').selectAll().where('campaign_id', 'in', campaignsOf).orderBy('campaign_id').orderBy('area').orderBy('period_date').execute(),
    mapLayers: await db.selectFrom('map_layers').selectAll().where('organisation_id', '=', orgId).orderBy('id').execute(),
    mapLayerData: await db.selectFrom('map_layer_data').select(['layer_id', 'sha256']).where('layer_id', 'in', db.selectFrom('map_layers').select('id').where('organisation_id', '=', orgId)).orderBy('layer_id').execute(),
    perimeters: await db.selectFrom('event_perimeters').selectAll().where('organisation_id', '=', orgId).orderBy('id').execute(),
    visioMessages: await db.selectFrom('visio_messages').selectAll().where('event_id', 'in', db.selectFrom('events').select('id').where('organisation_id', '=', orgId)).orderBy('id').execute(),
    pcs: await Promise.all(
      (['pcs_plans', 'pcs_risks', 'pcs_reflex_sheets', 'pcs_reflex_runs', 'pcs_contacts', 'pcs_oncall_shifts', 'pcs_alert_means', 'resources', 'pcs_sites', 'pcs_vulnerable_people'] as const).map((t) =>
        db.selectFrom(t).selectAll().where('organisation_id', '=', orgId).orderBy('organisation_id').execute(),
      ),
    ),
    campaignRealtime: await db
      .selectFrom('realtime_messages')
      .select(['topic', 'seq'])
      .where('topic', 'in', db.selectFrom('collection_campaigns').select(sql<string>`'campaign:' || id`.as('t')).where('organisation_id', '=', orgId))
      .orderBy('topic')
      .orderBy('seq')
      .execute(),
  };
}

describe('cross-organisation isolation', () => {
  let x: Cross;
  beforeAll(async () => {
    const aAdmin = await signIn(c.t.app, c.A.users.administrator.email);
    const third = await buildOrganisation(c.db, { kind: 'partner' });
    const aAnnouncements: Announcement[] = [];
    for (const text of ['Consigne interne de A : astreinte renforcée', 'Second message confidentiel de A']) {
      const res = await send(c.t.app, aAdmin, 'POST', '/api/announcements', { json: { text, level: 'urgent' } });
      expect(res.statusCode).toBe(201);
      aAnnouncements.push(res.json());
    }
    const shareRes = await send(c.t.app, aAdmin, 'POST', '/api/shares', { json: { granteeOrganisationId: third.id, resourceType: 'announcements', access: 'read' } });
    expect(shareRes.statusCode).toBe(201);
    const aLocked = await buildUser(c.db, { organisationId: c.A.org.id, role: 'reader' });
    await c.db
      .insertInto('login_throttle')
      .values({ key: accountKey(aLocked.email), failures: 5, window_start: new Date(), blocked_until: new Date(Date.now() + 3600_000) })
      .execute();
    const aUsers = [...Object.values(c.A.users), aLocked];
    const aEvent = await freshEvent(c, c.A);
    const aClosed = await freshEvent(c, c.A, 'closed');
    const aAttachment = await freshAttachment(c, c.A);
    const aType = await freshCatalogueItem(c, c.A, 'event_types');
    const aFunction = await freshCatalogueItem(c, c.A, 'crisis_functions');
    const aTag = await freshCatalogueItem(c, c.A, 'action_tags');
    const aCampaign = await freshCampaign(c, c.A);
    const aDraft = await freshCampaign(c, c.A, 'draft');
    const aInvitation = await freshInvitation(c, c.A);
    const aGuestLink = await freshGuestLink(c, c.A);
    const aAction = await freshAction(c, c.A);
    const aLayer = await freshLayer(c, c.A);
    const aEventLayer = await freshLayer(c, c.A, aEvent.id);
    const aPerimeter = await freshPerimeter(c, c.A);
    const aWfsLayer = await freshRemoteLayer(c, c.A, 'wfs');
    const aWmsLayer = await freshRemoteLayer(c, c.A, 'wms');
    const aResource = await freshResource(c, c.A);
    const aEngaged = await freshResource(c, c.A, { engaged: true, kind: 'shelter' });
    const aVulnerable = await freshVulnerable(c, c.A);
    const aSheet = await freshSheet(c, c.A);
    const aVisio = await freshVisioMessage(c, c.A);
    const aContact = await freshContact(c, c.A);
    const aAlertMean = await freshNamed(c, c.A, 'pcs_alert_means');
    const aSite = await freshNamed(c, c.A, 'pcs_sites');
    x = {
      aVisio,
      aContact,
      aAlertMean,
      aSite,
      aResource,
      aEngaged,
      aVulnerable,
      aSheet,
      aWfsLayer,
      aWmsLayer,
      aLayer,
      aEventLayer,
      aPerimeter,
      aInvitation,
      aGuestLink,
      aAction,
      aCampaign,
      aDraft,
      aEvent,
      aClosed,
      aAttachment,
      aType,
      aFunction,
      aTag,
      asB: () => signIn(c.t.app, c.B.users.administrator.email),
      aAdmin,
      aAnnouncements,
      aShare: shareRes.json(),
      aLocked,
      third,
      secrets: [
        ...aUsers.flatMap((u) => [u.id, u.email]),
        ...aAnnouncements.flatMap((a) => [a.id, a.text]),
        shareRes.json().id,
        ...[aEvent, aClosed].flatMap((e) => [e.id, e.title, e.entryId, e.entryText]),
        aAttachment,
        aType,
        aFunction,
        aTag,
        ...[aCampaign, aDraft].flatMap((k) => [k.id, k.name, k.declarationId, k.reason]),
        aInvitation.userId,
        aInvitation.name,
        aGuestLink.id,
        aGuestLink.eventId,
        aAction.id,
        aAction.eventId,
        ...[aLayer, aEventLayer].flatMap((l) => [l.id, l.name]),
        aPerimeter.id,
        aPerimeter.label,
        aPerimeter.eventId,
        ...[aResource, aEngaged].flatMap((r) => [r.id, r.name]),
        aVulnerable.id,
        aVulnerable.fullName,
        aSheet.sheetId,
        aSheet.title,
        aSheet.riskId,
        aContact.id,
        aContact.name,
        aContact.shiftId,
        ...[aAlertMean, aSite].flatMap((n) => [n.id, n.name]),
      ],
    };
  });

  it('has a case for every route of the table', () => {
    expect(Object.keys(crossOrgCases).sort()).toEqual([...routeIds].sort());
  });

  for (const id of routeIds) {
    it(`${id}: B's administrator reaches none of A's data and changes nothing of A`, async () => {
      const before = await snapshotOf(c.A.org.id);
      await crossOrgCases[id](x);
      expect(await snapshotOf(c.A.org.id)).toEqual(before);
    });
  }

  it('an explicit share opens A’s announcements to B for reading (HTTP and realtime), never for writing, until it is removed', async () => {
    const topic = topicOf('announcements', c.A.org.id);
    const bReader = await signIn(c.t.app, c.B.users.reader.email);
    const bAdmin = await signIn(c.t.app, c.B.users.administrator.email);
    const bCoordinator = await signIn(c.t.app, c.B.users.coordinator.email);
    const aCoordinator = await signIn(c.t.app, c.A.users.coordinator.email);
    const listAasB = () => send(c.t.app, bReader, 'GET', `/api/announcements?organisationId=${c.A.org.id}&limit=200`);

    // Before the share: nothing.
    expectError(await listAasB(), 'not_found');
    const bSocket = await WsClient.connect(port, bReader);
    const witness = await WsClient.connect(port, aCoordinator); // a member of A, who always receives A's messages
    expect(await bSocket.subscribe(topic)).toMatchObject({ type: 'error', code: 'not_found', topic });
    expect(await witness.subscribe(topic)).toMatchObject({ type: 'subscribed', topic });

    // A shares its announcements with B, read only.
    const created = await send(c.t.app, x.aAdmin, 'POST', '/api/shares', { json: { granteeOrganisationId: c.B.org.id, resourceType: 'announcements', access: 'read' } });
    expect(created.statusCode).toBe(201);
    const share = created.json() as Share;
    expect(share).toMatchObject({ ownerOrganisationId: c.A.org.id, granteeOrganisationId: c.B.org.id, access: 'read', resourceId: null });

    const listed = await listAasB();
    expect(listed.statusCode).toBe(200);
    const ids = (listed.json().announcements as Announcement[]).map((a) => a.id);
    for (const a of x.aAnnouncements) expect(ids).toContain(a.id);
    expect((listed.json().announcements as Announcement[]).every((a) => a.organisationId === c.A.org.id)).toBe(true);
    const received = (await send(c.t.app, bAdmin, 'GET', '/api/shares')).json().shares as Share[];
    expect(received.map((s) => s.id)).toContain(share.id);

    expect(await bSocket.subscribe(topic)).toMatchObject({ type: 'subscribed', topic });
    const post = await send(c.t.app, x.aAdmin, 'POST', '/api/announcements', { json: { text: 'Partagé avec B', level: 'info' } });
    expect(post.statusCode).toBe(201);
    const [live] = await bSocket.messages(topic, 1);
    expect(live.event).toMatchObject({ kind: 'announcement.created', announcement: { id: post.json().id, organisationId: c.A.org.id } });
    await witness.messages(topic, 1);
    // The organisation topic stays members-only, share or not.
    expect(await bSocket.subscribe(topicOf('organisation', c.A.org.id))).toMatchObject({ type: 'error', code: 'not_found' });

    // Still not writable: no route lets B write into A's announcements or change A's share.
    const before = await snapshotOf(c.A.org.id);
    expectError(await send(c.t.app, bCoordinator, 'POST', '/api/announcements', { json: { text: 'Écrit par B chez A', organisationId: c.A.org.id } }), 'validation_failed');
    const own = await send(c.t.app, bCoordinator, 'POST', '/api/announcements', { json: { text: 'Écrit par B' } });
    expect(own.json().organisationId).toBe(c.B.org.id);
    expectError(await send(c.t.app, bAdmin, 'DELETE', `/api/shares/${share.id}`), 'not_found');
    expectError(
      await send(c.t.app, bAdmin, 'POST', '/api/shares', {
        json: { granteeOrganisationId: x.third.id, resourceType: 'announcements', resourceId: x.aAnnouncements[0].id, access: 'read' },
      }),
      'not_found',
    );
    const after = await snapshotOf(c.A.org.id);
    expect(after).toEqual(before);

    // A removes the share: B's access ends, over HTTP and on the open socket.
    expect((await send(c.t.app, x.aAdmin, 'DELETE', `/api/shares/${share.id}`)).statusCode).toBe(204);
    expectError(await listAasB(), 'not_found');
    expect(((await send(c.t.app, bAdmin, 'GET', '/api/shares')).json().shares as Share[]).map((s) => s.id)).not.toContain(share.id);
    const revoked = await bSocket.next((f) => f.type === 'error' && f.topic === topic);
    expect(revoked).toMatchObject({ code: 'not_found' });
    const later = await send(c.t.app, x.aAdmin, 'POST', '/api/announcements', { json: { text: 'Plus partagé', level: 'info' } });
    expect(later.statusCode).toBe(201);
    await witness.messages(topic, 1); // delivered to A's member...
    await bSocket.roundTrip(); // ...and B's socket, still open, got nothing of it
    expect(bSocket.pending().filter((f) => f.type === 'message' && f.topic === topic)).toEqual([]);
    expect(await bSocket.subscribe(topic)).toMatchObject({ type: 'error', code: 'not_found', topic });
    await bSocket.close();
    await witness.close();
  });
});

// --- Bad input --------------------------------------------------------------------------------

/** GET routes whose every answer is an audit record (the register of vulnerable people). */
const AUDITED_READS = new Set<RouteId>(['listVulnerablePeople', 'exportVulnerablePeople']);

describe('bad input', () => {
  it('the table of valid bodies covers every route with a body, and each is valid', async () => {
    const withBody = routeIds.filter((id) => (routes[id] as RouteDef).body !== undefined);
    expect(Object.keys(validBodies).sort()).toEqual([...withBody].sort());
    for (const id of withBody) {
      const body = await validBodies[id as BodyRouteId](c, c.A);
      expect((routes[id] as RouteDef).body!.safeParse(body).success, id).toBe(true);
    }
  });

  it('every route: malformed or badly encoded JSON, wrong types, unknown fields, oversized or non-JSON bodies, bad params and unknown query parameters get a stable 4xx and store nothing', async () => {
    const admin = await signIn(c.t.app, c.A.users.administrator.email);
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const oversized = JSON.stringify({ text: 'x'.repeat(10 * 1024) });
    let requests = 0;

    for (const id of routeIds) {
      const def: RouteDef = routes[id];
      const session = def.access.kind === 'public' ? null : admin;
      const req = await requestFor[id](c, c.A);
      let before = await countRows(c.db);
      const expectBad = async (label: string, res: LightMyRequestResponse, code: keyof typeof errorMessages) => {
        requests++;
        const err = (() => {
          try {
            return expectError(res, code);
          } catch (e) {
            throw new Error(`${id} — ${label}: ${(e as Error).message}`);
          }
        })();
        expectStableError(res);
        expect(await countRows(c.db), `${id} — ${label}: a bad request stored something`).toEqual(before);
        return err;
      };
      const findDetail = (err: { details?: unknown }, pred: (d: { path: string; code: string; message: string }) => boolean) =>
        (err.details as Array<{ path: string; code: string; message: string }>).find(pred);

      if (isUnsafe(def)) {
        await expectBad('JSON mal formé', await hit(session, id, { ...req, body: undefined }, { raw: '{"text": "x",', contentType: 'application/json' }), 'invalid_json');
        await expectBad('UTF-8 invalide', await hit(session, id, { ...req, body: undefined }, { raw: invalidUtf8, contentType: 'application/json' }), 'invalid_encoding');
        await expectBad('text/plain', await hit(session, id, { ...req, body: undefined }, { raw: 'bonjour', contentType: 'text/plain' }), 'unsupported_media_type');
        await expectBad('formulaire', await hit(session, id, { ...req, body: undefined }, { raw: 'a=1', contentType: 'application/x-www-form-urlencoded' }), 'unsupported_media_type');
        await expectBad('10 ko', await hit(session, id, { ...req, body: undefined }, { raw: oversized, contentType: 'application/json' }), 'body_too_large');
        if (def.body) {
          const valid = req.body as Record<string, unknown>;
          const extra = await expectBad('champ inconnu', await hit(session, id, { ...req, body: { ...valid, champInconnu: true } }), 'validation_failed');
          expect(findDetail(extra, (d) => d.code === 'unrecognized_keys'), id).toBeDefined();
          for (const key of Object.keys(valid)) {
            const wrong = typeof valid[key] === 'number' ? 'texte' : 12345;
            const err = await expectBad(`mauvais type ${key}`, await hit(session, id, { ...req, body: { ...valid, [key]: wrong } }), 'validation_failed');
            const detail = findDetail(err, (d) => d.path === key);
            expect(detail, `${id}.${key}`).toBeDefined();
            expect(detail!.message.length).toBeGreaterThan(0);
          }
          await expectBad('tableau', await hit(session, id, { ...req, body: [valid] }), 'validation_failed');
          await expectBad('chaîne', await hit(session, id, { ...req, body: 'texte' }), 'validation_failed');
        } else if (def.multipart) {
          await expectBad('JSON au lieu d’un fichier', await hit(session, id, { ...req, multipart: undefined, body: { champInconnu: true } }), 'unsupported_media_type');
        } else {
          await expectBad('corps inattendu', await hit(session, id, { ...req, body: { champInconnu: true } }), 'validation_failed');
        }
      } else {
        // GET routes do not read a body: one sent anyway (even malformed) is ignored.
        const res = await hit(session, id, req, { raw: '{"a":', contentType: 'application/json' });
        expect(res.statusCode, `${id}: ${res.body}`).toBe(200);
        // Reads of personal data are themselves recorded (one audit record): the bad requests below must add nothing more.
        if (AUDITED_READS.has(id)) before = await countRows(c.db);
      }

      for (const key of Object.keys(req.params ?? {})) {
        // Not the expected shape, an invalid %-escape (refused by the router), too long for the router.
        for (const bad of ['pas-un-identifiant', '123', '%ff', 'x'.repeat(150)]) {
          // Placed after encoding, so that '%ff' reaches the server as an invalid escape.
          const url = urlOf(def, { ...req, params: { ...req.params, [key]: 'PLACEHOLDER' } }).replace('PLACEHOLDER', bad);
          const bodyOpts = req.body === undefined ? {} : { json: req.body };
          const err = await expectBad(`paramètre ${key}=${bad}`, await send(c.t.app, session, def.method as Method, url, bodyOpts), 'validation_failed');
          if (bad.length < 20 && bad !== '%ff') expect(findDetail(err, (d) => d.path === key), `${id} ${key}`).toBeDefined();
        }
      }

      const url = urlOf(def, req);
      const withQuery = (q: string) => `${url}${url.includes('?') ? '&' : '?'}${q}`;
      const bodyOpts = req.body === undefined ? {} : { json: req.body };
      const unknownQuery = await send(c.t.app, session, def.method as Method, withQuery('champInconnu=1'), bodyOpts);
      const err = await expectBad('paramètre de requête inconnu', unknownQuery, 'validation_failed');
      expect(findDetail(err, (d) => d.code === 'unrecognized_keys'), id).toBeDefined();
      for (const key of Object.keys(req.query ?? {})) {
        for (const bad of ['abc', '-1', '1.5']) {
          const q = new URLSearchParams({ ...req.query, [key]: bad }).toString();
          await expectBad(`${key}=${bad}`, await send(c.t.app, session, def.method as Method, `${buildPath(def.path, req.params ?? {})}?${q}`, bodyOpts), 'validation_failed');
        }
        const repeated = `${buildPath(def.path, req.params ?? {})}?${key}=1&${key}=2`;
        await expectBad(`${key} répété`, await send(c.t.app, session, def.method as Method, repeated, bodyOpts), 'validation_failed');
      }

      expect(await countRows(c.db), `${id}: a bad request stored something`).toEqual(before);
    }
    expect(requests).toBeGreaterThan(100);
  });

  it('query parameters of the routes that take some are checked (limits, identifiers)', async () => {
    const admin = sA.administrator;
    for (const url of [
      '/api/announcements?limit=0',
      '/api/announcements?limit=201',
      '/api/announcements?organisationId=pas-un-uuid',
      '/api/audit?limit=501',
      '/api/audit?before=0',
      '/api/audit?entityType=' + 'x'.repeat(65),
    ]) {
      expectError(await send(c.t.app, admin, 'GET', url), 'validation_failed');
    }
  });
});

describe('after the walk', () => {
  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
