// Collecte: campaigns of a prefecture, daily declarations of the communes, completeness and
// detection. Every rule of issue 6's server slice, on both engines.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { countRows, expectError, send, serverErrors, signIn, WsClient, orgWith, type Org, createTestCampaign } from './support';
import { topicOf } from '../../src/shared/realtime';
import { roles, type Role } from '../../src/shared/permissions';
import type { CampaignDetail, CampaignSummary, Completeness, Declaration, DeclarationHistory, Detection, UnusualValueDetail } from '../../src/shared/schemas/collection';
import { completenessSchema, declarationHistorySchema, declarationSchema, detectionSchema } from '../../src/shared/schemas/collection';
import { seedDemoCollection } from '../../src/server/seed/demo-collection';

/** 09:30 and 12:00 in Paris on 10 March 2026 (CET, UTC+1). */
const MORNING = new Date('2026-03-10T08:30:00Z');
const NOON = new Date('2026-03-10T11:00:00Z');
const TODAY = '2026-03-10';
const YESTERDAY = '2026-03-09';
const START = '2026-03-01';

let t: TestApp;
let port: number;
let pref: Org;
let rival: Org;
let vannes: Org;
let lorient: Org;
let montpellier: Org;
let partner: Org;

const db = () => t.db.database.db;

const s = (o: Org, r: Role) => o.s[r]!;

async function createCampaign(body: Record<string, unknown> = {}, as: Session = s(pref, 'coordinator')): Promise<CampaignDetail> {
  return createTestCampaign(t.app, as, {
    name: 'Décès par lieu',
    startDate: START,
    indicators: [
      { key: 'domicile', label: 'Décès à domicile', help: 'Au domicile de la personne.' },
      { key: 'ehpad', label: 'Décès en EHPAD', max: 50 },
    ],
    ...body,
  });
}

const declPath = (id: string, insee: string, date: string) => `/api/campaigns/${id}/declarations/${insee}/${date}`;
const put = (as: Session, id: string, insee: string, date: string, body: unknown): Promise<LightMyRequestResponse> => send(t.app, as, 'PUT', declPath(id, insee, date), { json: body });

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  t.services.now = () => MORNING;
  pref = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Préfecture du Morbihan (test)' }, [...roles]);
  rival = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Autre préfecture (test)' }, ['administrator']);
  vannes = await orgWith(t, { kind: 'commune', inseeCode: '56260', departmentCode: '56', name: 'Commune de Vannes (test)' }, [...roles]);
  lorient = await orgWith(t, { kind: 'commune', inseeCode: '56121', departmentCode: '56', name: 'Commune de Lorient (test)' }, ['contributor', 'reader']);
  montpellier = await orgWith(t, { kind: 'commune', inseeCode: '34172', name: 'Montpellier (test)' }, ['administrator']);
  partner = await orgWith(t, { kind: 'partner', name: 'SDIS (test)' }, ['administrator']);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t?.close());

describe('campaigns', () => {
  it('a prefecture’s coordinators and administrators create campaigns of their department; communes default to every current commune', async () => {
    const all = await createCampaign({ communes: undefined, status: 'draft' }, s(pref, 'administrator'));
    const inDepartment = await db().selectFrom('communes').select('insee_code').where('department_code', '=', '56').execute();
    expect(all.communes).toHaveLength(inDepartment.length);
    expect(all.communeCount).toBe(inDepartment.length);
    expect(all.communes.find((c) => c.inseeCode === '56260')).toMatchObject({ name: 'Vannes' });
    expect(all.communes.find((c) => c.inseeCode === '56260')!.population).toBeGreaterThan(40_000);
    expect(all).toMatchObject({ departmentCode: '56', organisationId: pref.org.id, status: 'draft', deadline: '10:00', startDate: START });
    expect(all.indicators).toEqual([
      { key: 'domicile', label: 'Décès à domicile', help: 'Au domicile de la personne.', max: 10_000 },
      { key: 'ehpad', label: 'Décès en EHPAD', help: '', max: 50 },
    ]);
    const audit = await db().selectFrom('audit_log').select(['action', 'organisation_id']).where('entity_id', '=', all.id).execute();
    expect(audit).toEqual([{ action: 'campaign.created', organisation_id: pref.org.id }]);

    for (const r of ['contributor', 'reader'] as const) {
      expectError(await send(t.app, s(pref, r), 'POST', '/api/campaigns', { json: { name: 'x', period: 'daily', deadline: '10:00', startDate: START, indicators: [{ key: 'a', label: 'A' }] } }), 'forbidden');
    }
    // A commune's administrator holds campaigns.manage for its role, but only a prefecture runs campaigns.
    const before = await countRows(db());
    expectError(await send(t.app, s(vannes, 'administrator'), 'POST', '/api/campaigns', { json: { name: 'x', period: 'daily', deadline: '10:00', startDate: START, indicators: [{ key: 'a', label: 'A' }] } }), 'prefecture_only');
    // Communes outside the department or unknown; duplicate keys; reserved key.
    for (const [json, code] of [
      [{ communes: ['34172'] }, 'invalid_communes'],
      [{ communes: ['56999'] }, 'invalid_communes'],
      [{ indicators: [{ key: 'a', label: 'A' }, { key: 'a', label: 'B' }] }, 'validation_failed'],
      [{ indicators: [{ key: 'total', label: 'Total' }] }, 'validation_failed'],
      [{ deadline: '25:00' }, 'validation_failed'],
      [{ startDate: '2026-02-30' }, 'validation_failed'],
    ] as const) {
      const res = await send(t.app, s(pref, 'coordinator'), 'POST', '/api/campaigns', {
        json: { name: 'x', period: 'daily', deadline: '10:00', startDate: START, indicators: [{ key: 'a', label: 'A' }], ...json },
      });
      expectError(res, code);
    }
    expect(await countRows(db())).toEqual(before);
  });

  it('visibility: the prefecture’s members see its campaigns; a commune sees the non-draft ones that ask it, with its own commune only; others get 404', async () => {
    const active = await createCampaign();
    const draft = await createCampaign({ status: 'draft', name: 'Brouillon interne' });
    const elsewhere = await createCampaign({ communes: ['56003'], name: 'Sans Vannes' });
    for (const r of roles) {
      const list = (await send(t.app, s(pref, r), 'GET', '/api/campaigns')).json().campaigns as CampaignSummary[];
      expect(list.map((c) => c.id)).toEqual(expect.arrayContaining([active.id, draft.id, elsewhere.id]));
      expect((await send(t.app, s(pref, r), 'GET', `/api/campaigns/${draft.id}`)).statusCode).toBe(200);
    }
    for (const r of roles) {
      const ids = ((await send(t.app, s(vannes, r), 'GET', '/api/campaigns')).json().campaigns as CampaignSummary[]).map((c) => c.id);
      expect(ids).toContain(active.id);
      expect(ids).not.toContain(draft.id);
      expect(ids).not.toContain(elsewhere.id);
      const detail = (await send(t.app, s(vannes, r), 'GET', `/api/campaigns/${active.id}`)).json() as CampaignDetail;
      expect(detail.communes.map((c) => c.inseeCode)).toEqual(['56260']);
      expectError(await send(t.app, s(vannes, r), 'GET', `/api/campaigns/${draft.id}`), 'not_found');
      expectError(await send(t.app, s(vannes, r), 'GET', `/api/campaigns/${elsewhere.id}`), 'not_found');
    }
    for (const o of [rival, montpellier, partner]) {
      const as = s(o, 'administrator');
      expect(((await send(t.app, as, 'GET', '/api/campaigns')).json().campaigns as CampaignSummary[]).map((c) => c.id)).not.toContain(active.id);
      for (const url of [
        `/api/campaigns/${active.id}`,
        `/api/campaigns/${active.id}/declarations?from=${START}&to=${TODAY}`,
        `/api/campaigns/${active.id}/completeness?date=${TODAY}`,
        `/api/campaigns/${active.id}/detection?inseeCode=56260`,
        `${declPath(active.id, '56260', TODAY)}/history`,
      ]) {
        expectError(await send(t.app, as, 'GET', url), 'not_found');
      }
      expectError(await send(t.app, as, 'PATCH', `/api/campaigns/${active.id}`, { json: { name: 'Pris' } }), 'not_found');
      expectError(await put(as, active.id, '56260', TODAY, { values: { domicile: 0, ehpad: 0 } }), 'not_found');
    }
    // A missing campaign answers exactly like a foreign one.
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${crypto.randomUUID()}`), 'not_found');
  });

  it('update: name, description, deadline and status; indicators and communes only while draft; never back to draft; communes never manage', async () => {
    const c = await createCampaign({ status: 'draft' });
    const patch = (body: unknown, as = s(pref, 'coordinator')) => send(t.app, as, 'PATCH', `/api/campaigns/${c.id}`, { json: body });
    const renamed = await patch({ name: 'Décès COVID-19', deadline: '11:30', indicators: [{ key: 'total_deces', label: 'Décès' }], communes: ['56260'] });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Décès COVID-19', deadline: '11:30', indicators: [{ key: 'total_deces' }], communeCount: 1 });
    expect((await patch({ status: 'active' })).json().status).toBe('active');
    expectError(await patch({ indicators: [{ key: 'autre', label: 'Autre' }] }), 'campaign_not_draft');
    expectError(await patch({ communes: ['56121'] }), 'campaign_not_draft');
    expectError(await patch({ status: 'draft' }), 'campaign_status_invalid');
    expect((await patch({ status: 'closed' })).json().status).toBe('closed');
    expect((await patch({ status: 'active' })).json().status).toBe('active');
    expectError(await patch({ name: 'x' }, s(pref, 'contributor')), 'forbidden');
    // The commune sees the campaign (it is asked) but may not change it.
    expectError(await patch({ name: 'Par Vannes' }, s(vannes, 'administrator')), 'forbidden');
    const actions = (await db().selectFrom('audit_log').select('action').where('entity_id', '=', c.id).orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['campaign.created', 'campaign.updated', 'campaign.updated', 'campaign.updated', 'campaign.updated']);
  });
  it('alert rules: stored with the campaign, editable whatever the status, indicators checked, audited', async () => {
    const c = await createCampaign({ alerts: { rules: [{ level: 'rouge', metric: 'rate', threshold: 40 }] } });
    // Defaults filled in: each commune, the total, 7 periods; the detection gives orange.
    expect(c.alerts).toEqual({ rules: [{ scope: 'commune', level: 'rouge', indicator: 'total', metric: 'rate', window: 7, threshold: 40 }], detectionLevel: 'orange' });
    expect((await createCampaign()).alerts).toEqual({ rules: [], detectionLevel: 'orange' });
    const patch = (body: unknown, as = s(pref, 'coordinator')) => send(t.app, as, 'PATCH', `/api/campaigns/${c.id}`, { json: body });
    const alerts = {
      rules: [
        { scope: 'commune', level: 'jaune', indicator: 'ehpad', metric: 'count', window: 3, threshold: 2 },
        { scope: 'department', level: 'orange', indicator: 'total', metric: 'rate', window: 7, threshold: 5.5 },
      ],
      detectionLevel: 'rouge',
    };
    const ok = await patch({ alerts });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().alerts).toEqual(alerts);
    const before = await db().selectFrom('collection_campaigns').select('alert_settings').where('id', '=', c.id).executeTakeFirstOrThrow();
    const unknown = await patch({ alerts: { rules: [{ level: 'jaune', indicator: 'hopital', metric: 'count', threshold: 1 }] } });
    expectError(unknown, 'validation_failed');
    expect(unknown.json().error.details).toEqual([expect.objectContaining({ path: 'alerts.rules.0.indicator', code: 'unknown_indicator' })]);
    for (const bad of [
      { rules: [{ level: 'vert', metric: 'count', threshold: 1 }] },
      { rules: [{ level: 'jaune', metric: 'count', threshold: -1 }] },
      { rules: [{ level: 'jaune', metric: 'ratio', threshold: 1 }] },
      { rules: [{ level: 'jaune', metric: 'count', threshold: 1, window: 0 }] },
      { rules: [], detectionLevel: 'violet' },
    ]) {
      expectError(await patch({ alerts: bad }), 'validation_failed');
    }
    expectError(await patch({ alerts }, s(pref, 'contributor')), 'forbidden');
    expect(await db().selectFrom('collection_campaigns').select('alert_settings').where('id', '=', c.id).executeTakeFirstOrThrow()).toEqual(before);
    const audit = await db().selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', c.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['campaign.created', 'campaign.updated']);
    expect(audit[1].changes).toMatchObject({ alerts: { to: alerts } });
  });
});

describe('declarations', () => {
  let c: CampaignDetail;
  beforeAll(async () => {
    t.services.now = () => MORNING;
    c = await createCampaign();
  });

  it('a commune declares its own values; the same values again are a no-op with the same version', async () => {
    const first = await put(s(vannes, 'contributor'), c.id, '56260', YESTERDAY, { values: { domicile: 2, ehpad: 0 } });
    expect(first.statusCode, first.body).toBe(201);
    const d = declarationSchema.parse(first.json()) as Declaration;
    expect(d).toMatchObject({ inseeCode: '56260', communeName: 'Vannes', date: YESTERDAY, values: { domicile: 2, ehpad: 0 }, version: 1, declaredBy: vannes.users.contributor!.display_name });
    const before = await countRows(db());
    for (const as of [s(vannes, 'contributor'), s(vannes, 'administrator')]) {
      const again = await put(as, c.id, '56260', YESTERDAY, { values: { ehpad: 0, domicile: 2 } });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(d);
    }
    expect(await countRows(db())).toEqual(before);
    // Every role of the commune reads it; readers may not write.
    for (const r of roles) {
      const list = (await send(t.app, s(vannes, r), 'GET', `/api/campaigns/${c.id}/declarations?from=${START}&to=${TODAY}`)).json().declarations as Declaration[];
      expect(list.map((x) => x.id)).toEqual([d.id]);
    }
    expectError(await put(s(vannes, 'reader'), c.id, '56260', TODAY, { values: { domicile: 1, ehpad: 0 } }), 'forbidden');
    // Two identical first submissions at once (a double click, a replayed offline queue): one declaration.
    const twice = await Promise.all([1, 2].map(() => put(s(vannes, 'contributor'), c.id, '56260', '2026-03-07', { values: { domicile: 1, ehpad: 1 } })));
    expect(twice.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(twice.map((r) => r.json().version)).toEqual([1, 1]);
    expect(twice[0].json().id).toBe(twice[1].json().id);
    const audit = await db().selectFrom('audit_log').select(['action', 'organisation_id']).where('entity_id', '=', d.id).orderBy('organisation_id').execute();
    expect(audit.map((a) => a.action)).toEqual(['declaration.submitted', 'declaration.submitted']);
    expect(audit.map((a) => a.organisation_id).sort()).toEqual([pref.org.id, vannes.org.id].sort());
  });

  it('a correction needs a reason, bumps the version and keeps who, when, old and new values and why in the history', async () => {
    const before = await countRows(db());
    expectError(await put(s(vannes, 'contributor'), c.id, '56260', YESTERDAY, { values: { domicile: 3, ehpad: 0 } }), 'reason_required');
    expect(await countRows(db())).toEqual(before);
    const fixed = await put(s(vannes, 'administrator'), c.id, '56260', YESTERDAY, { values: { domicile: 3, ehpad: 1 }, reason: 'Un décès en EHPAD signalé tardivement' });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ version: 2, values: { domicile: 3, ehpad: 1 }, updatedBy: vannes.users.administrator!.display_name });
    // The same correction sent twice is still one correction.
    expect((await put(s(vannes, 'administrator'), c.id, '56260', YESTERDAY, { values: { domicile: 3, ehpad: 1 }, reason: 'Renvoi' })).json().version).toBe(2);
    for (const as of [s(vannes, 'reader'), s(pref, 'reader')]) {
      const h = declarationHistorySchema.parse((await send(t.app, as, 'GET', `${declPath(c.id, '56260', YESTERDAY)}/history`)).json()) as DeclarationHistory;
      expect(h.declaration.version).toBe(2);
      expect(h.corrections).toEqual([
        { version: 2, at: expect.any(String), by: vannes.users.administrator!.display_name, oldValues: { domicile: 2, ehpad: 0 }, newValues: { domicile: 3, ehpad: 1 }, reason: 'Un décès en EHPAD signalé tardivement' },
      ]);
    }
    // The history is append-only in the database itself.
    await expect(sql`UPDATE collection_declaration_history SET reason = 'effacé'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM collection_declaration_history`.execute(db())).rejects.toThrow(/append-only/);
    expectError(await send(t.app, s(vannes, 'reader'), 'GET', `${declPath(c.id, '56260', '2026-03-05')}/history`), 'not_found');
  });

  it('a commune never declares nor reads for another commune; the prefecture reads every commune and may enter one on a commune’s behalf', async () => {
    const before = await countRows(db());
    expectError(await put(s(vannes, 'administrator'), c.id, '56121', YESTERDAY, { values: { domicile: 0, ehpad: 0 } }), 'not_found');
    expectError(await put(s(lorient, 'contributor'), c.id, '56260', YESTERDAY, { values: { domicile: 0, ehpad: 0 } }), 'not_found');
    expectError(await send(t.app, s(lorient, 'reader'), 'GET', `${declPath(c.id, '56260', YESTERDAY)}/history`), 'not_found');
    expect(await countRows(db())).toEqual(before);
    const l = await put(s(lorient, 'contributor'), c.id, '56121', YESTERDAY, { values: { domicile: 0, ehpad: 0 } });
    expect(l.statusCode).toBe(201);
    // Asking for Vannes as Lorient gives nothing of Vannes.
    const lorientView = (await send(t.app, s(lorient, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations?from=${START}&to=${TODAY}&inseeCode=56260`)).json().declarations as Declaration[];
    expect(lorientView).toEqual([]);
    const lorientOwn = (await send(t.app, s(lorient, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations?from=${START}&to=${TODAY}`)).json().declarations as Declaration[];
    expect(lorientOwn.map((d) => d.inseeCode)).toEqual(['56121']);
    // A commune not asked by the campaign: not found, even for the prefecture.
    expectError(await put(s(pref, 'contributor'), c.id, '56001', YESTERDAY, { values: { domicile: 0, ehpad: 0 } }), 'not_found');
    const onBehalf = await put(s(pref, 'contributor'), c.id, '56003', YESTERDAY, { values: { domicile: 1, ehpad: 0 } });
    expect(onBehalf.statusCode).toBe(201);
    const all = (await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations?from=${YESTERDAY}&to=${YESTERDAY}`)).json().declarations as Declaration[];
    expect(all.map((d) => d.inseeCode)).toEqual(['56003', '56121', '56260']);
  });

  it('bad values and dates are refused with their code and field details, and nothing is stored', async () => {
    const as = s(vannes, 'contributor');
    const before = await countRows(db());
    const cases: Array<[unknown, string]> = [
      [{ domicile: -1, ehpad: 0 }, 'values.domicile'],
      [{ domicile: 1.5, ehpad: 0 }, 'values.domicile'],
      [{ domicile: '2', ehpad: 0 }, 'values.domicile'],
      [{ domicile: null, ehpad: 0 }, 'values.domicile'],
      [{ domicile: 1 }, 'values.ehpad'],
      [{ domicile: 1, ehpad: 0, inconnu: 3 }, 'values.inconnu'],
      [{ domicile: 1, ehpad: 51 }, 'values.ehpad'],
    ];
    for (const [values, path] of cases) {
      const err = expectError(await put(as, c.id, '56260', '2026-03-08', { values }), 'validation_failed');
      expect((err.details as Array<{ path: string; message: string }>).find((d) => d.path === path), JSON.stringify(values)).toMatchObject({ message: expect.any(String) });
    }
    expectError(await put(as, c.id, '56260', '2026-03-08', { values: [1, 2] }), 'validation_failed');
    const early = expectError(await put(as, c.id, '56260', '2026-02-28', { values: { domicile: 0, ehpad: 0 } }), 'invalid_period_date');
    expect(early.details).toEqual([expect.objectContaining({ path: 'date', code: 'before_start' })]);
    // At 00:30 in Paris on 11 March (23:30 UTC on 10 March), the 11th is today, the 12th is the future.
    t.services.now = () => new Date('2026-03-10T23:30:00Z');
    expect((await put(as, c.id, '56260', '2026-03-11', { values: { domicile: 0, ehpad: 0 } })).statusCode).toBe(201);
    expectError(await put(as, c.id, '56260', '2026-03-12', { values: { domicile: 0, ehpad: 0 } }), 'invalid_period_date');
    t.services.now = () => MORNING;
    expectError(await put(as, c.id, '56260', '2026-03-11', { values: { domicile: 0, ehpad: 0 } }), 'invalid_period_date');
    expectError(await put(as, c.id, '56260', '2026-13-01', { values: { domicile: 0, ehpad: 0 } }), 'validation_failed');
    const after = await countRows(db());
    expect(after.collection_declarations).toBe(before.collection_declarations + 1);

    // A closed campaign takes no declaration.
    const closed = await createCampaign({ name: 'Close' });
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${closed.id}`, { json: { status: 'closed' } });
    expectError(await put(as, closed.id, '56260', YESTERDAY, { values: { domicile: 0, ehpad: 0 } }), 'campaign_not_active');
    const draft = await createCampaign({ name: 'Brouillon', status: 'draft' });
    expectError(await put(s(pref, 'coordinator'), draft.id, '56260', YESTERDAY, { values: { domicile: 0, ehpad: 0 } }), 'campaign_not_active');
    expectError(await put(as, draft.id, '56260', YESTERDAY, { values: { domicile: 0, ehpad: 0 } }), 'not_found');
  });

  it('a value far above the commune’s own history is refused as unusual unless confirmed', async () => {
    const u = await createCampaign({ name: 'Inhabituel', startDate: '2025-12-01' });
    const seed = (days: number) =>
      db()
        .insertInto('collection_declarations')
        .values(
          Array.from({ length: days }, (_, i) => ({
            campaign_id: u.id,
            insee_code: '56260',
            period_date: new Date(Date.parse(`${YESTERDAY}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10),
            values: JSON.stringify({ domicile: i % 3, ehpad: i === 5 ? 4 : 1 }),
            declared_by_name: 'Historique',
          })),
        )
        .execute();
    // 13 days of history: not enough to call anything unusual.
    await seed(13);
    const young = await put(s(vannes, 'contributor'), u.id, '56260', TODAY, { values: { domicile: 40, ehpad: 0 } });
    expect(young.statusCode, young.body).toBe(201);
    await db().insertInto('collection_declarations').values({ campaign_id: u.id, insee_code: '56260', period_date: '2026-02-24', values: JSON.stringify({ domicile: 1, ehpad: 1 }), declared_by_name: 'Historique' }).execute();
    // Now 14 days before today: domicile usually ≤ 2 (limit max(5, 3 × 2) = 6), ehpad ≤ 4 (limit 12).
    const before = await countRows(db());
    const refused = expectError(await put(s(vannes, 'contributor'), u.id, '56260', TODAY, { values: { domicile: 7, ehpad: 12 }, reason: 'Recompté' }), 'unusual_value');
    expect(refused.details as UnusualValueDetail[]).toEqual([{ indicator: 'domicile', label: 'Décès à domicile', value: 7, usualMax: 2, limit: 6, historyDays: 14 }]);
    expect(await countRows(db())).toEqual(before);
    expect((await put(s(vannes, 'contributor'), u.id, '56260', TODAY, { values: { domicile: 6, ehpad: 12 }, reason: 'Recompté' })).json().version).toBe(2);
    // Confirmed explicitly, the unusual value is stored.
    expectError(await put(s(vannes, 'contributor'), u.id, '56260', TODAY, { values: { domicile: 30, ehpad: 12 }, reason: 'Cluster' }), 'unusual_value');
    const confirmed = await put(s(vannes, 'contributor'), u.id, '56260', TODAY, { values: { domicile: 30, ehpad: 12 }, reason: 'Cluster', confirmUnusual: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ version: 3, values: { domicile: 30, ehpad: 12 } });
    const audit = await db().selectFrom('audit_log').select('changes').where('entity_id', '=', confirmed.json().id).where('action', '=', 'declaration.corrected').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ confirmUnusual: true, reason: 'Cluster' });
  });
});

describe('completeness', () => {
  it('counts answered, missing and late communes (after the local deadline) with the contacts of the late ones; prefecture only', async () => {
    const c = await createCampaign({ name: 'Complétude' });
    t.services.now = () => MORNING;
    await put(s(vannes, 'contributor'), c.id, '56260', TODAY, { values: { domicile: 2, ehpad: 1 } });
    await put(s(pref, 'contributor'), c.id, '56003', TODAY, { values: { domicile: 0, ehpad: 4 } });
    const get = async (date: string) => completenessSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/completeness?date=${date}`)).json()) as Completeness;
    // 09:30 in Paris: Lorient has not answered, but it is not late yet.
    const morning = await get(TODAY);
    expect(morning).toMatchObject({ deadline: `${TODAY} 10:00`, deadlinePassed: false, totals: { asked: 3, answered: 2, missing: 1, late: 0 }, valueTotals: { domicile: 2, ehpad: 5 }, late: [] });
    expect(morning.communes.map((x) => [x.inseeCode, x.status])).toEqual([['56003', 'answered'], ['56121', 'missing'], ['56260', 'answered']]);
    // Noon: Lorient is late; its organisation's accounts are the contacts.
    t.services.now = () => NOON;
    const noon = await get(TODAY);
    expect(noon.totals).toEqual({ asked: 3, answered: 2, missing: 1, late: 1 });
    const lorientPeople = [lorient.users.contributor!, lorient.users.reader!].map((u) => ({ name: u.display_name, email: u.email, jobTitle: '', phone: '' })).sort((a, b) => (a.email < b.email ? -1 : 1));
    expect(noon.late).toEqual([{ inseeCode: '56121', name: 'Lorient', contacts: lorientPeople.map((p) => p.email), people: lorientPeople }]);
    // A past day: everyone who did not answer is late (Vannes' contacts included).
    const past = await get(YESTERDAY);
    expect(past.totals).toEqual({ asked: 3, answered: 0, missing: 3, late: 3 });
    expect(past.late.find((l) => l.inseeCode === '56260')!.contacts).toEqual(expect.arrayContaining(Object.values(vannes.users).map((u) => u.email)));
    // A commune sees the campaign, not the others' completeness.
    expectError(await send(t.app, s(vannes, 'administrator'), 'GET', `/api/campaigns/${c.id}/completeness?date=${TODAY}`), 'prefecture_only');
    t.services.now = () => MORNING;
  });
});

describe('weekly campaigns and periods', () => {
  it('a weekly campaign takes Mondays only, and its deadline falls on the Monday after the week', async () => {
    t.services.now = () => MORNING; // Tuesday 10 March 2026
    const w = await createCampaign({ name: 'Hebdomadaire', period: 'weekly', deadline: '12:00', startDate: '2026-02-02' });
    const err = expectError(await put(s(vannes, 'contributor'), w.id, '56260', '2026-03-04', { values: { domicile: 0, ehpad: 0 } }), 'invalid_period_date');
    expect(err.details).toEqual([expect.objectContaining({ code: 'not_monday' })]);
    expect((await put(s(vannes, 'contributor'), w.id, '56260', '2026-03-02', { values: { domicile: 3, ehpad: 1 } })).statusCode).toBe(201);
    const week = completenessSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${w.id}/completeness?date=2026-03-02`)).json());
    expect(week).toMatchObject({ deadline: '2026-03-09 12:00', deadlinePassed: true, totals: { asked: 3, answered: 1, late: 2 } });
    const current = completenessSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${w.id}/completeness?date=2026-03-09`)).json());
    expect(current).toMatchObject({ deadline: '2026-03-16 12:00', deadlinePassed: false, totals: { late: 0, missing: 3 } });
    const d = detectionSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${w.id}/detection?inseeCode=56260&days=2`)).json()) as Detection;
    expect(d.series.map((x) => x.date)).toEqual(['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02', '2026-03-09']);
    expect(d.series.map((x) => x.value)).toEqual([null, null, null, null, 4, null]);
  });

  it('lists of declarations cover one year at most, and the period must be in order', async () => {
    const c = await createCampaign({ name: 'Périodes' });
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations?from=2024-01-01&to=2026-03-10`), 'validation_failed');
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations?from=2026-03-10&to=2026-03-01`), 'validation_failed');
    expect((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations?from=2025-03-10&to=2026-03-10`)).statusCode).toBe(200);
  });
});

describe('realtime', () => {
  it('campaign:<id> reaches the prefecture’s members and no one else', async () => {
    const c = await createCampaign({ name: 'Temps réel' });
    const topic = topicOf('campaign', c.id);
    const prefReader = await WsClient.connect(port, s(pref, 'reader'));
    expect(await prefReader.subscribe(topic)).toMatchObject({ type: 'subscribed', topic });
    const outsiders = [];
    for (const as of [s(vannes, 'administrator'), s(rival, 'administrator'), s(montpellier, 'administrator')]) {
      const ws = await WsClient.connect(port, as);
      expect(await ws.subscribe(topic)).toMatchObject({ type: 'error', code: 'not_found', topic });
      outsiders.push(ws);
    }
    const res = await put(s(vannes, 'contributor'), c.id, '56260', TODAY, { values: { domicile: 1, ehpad: 0 } });
    expect(res.statusCode).toBe(201);
    const [msg] = await prefReader.messages(topic, 1);
    expect(msg.event).toMatchObject({ kind: 'declaration.saved', correction: false, declaration: { id: res.json().id, inseeCode: '56260', values: { domicile: 1, ehpad: 0 } } });
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { deadline: '09:00' } });
    const [upd] = await prefReader.messages(topic, 1);
    expect(upd.event).toMatchObject({ kind: 'campaign.updated', campaign: { id: c.id, deadline: '09:00' } });
    for (const ws of outsiders) {
      await ws.roundTrip();
      expect(ws.pending().filter((f) => f.type === 'message')).toEqual([]);
      await ws.close();
    }
    await prefReader.close();
  });
});

describe('detection', () => {
  it('on demo-like data, the Vannes peak raises an alarm with a French explanation; missing days stay missing', async () => {
    const now = new Date();
    t.services.now = () => now;
    const id = await t.db.database.db.transaction().execute((tx) => seedDemoCollection(tx, { id: pref.org.id, userId: pref.users.coordinator!.id, userName: 'Démo' }, now));
    const get = (as: Session, q: string) => send(t.app, as, 'GET', `/api/campaigns/${id}/detection?${q}`);
    const res = await get(s(pref, 'reader'), 'inseeCode=56260&days=7');
    expect(res.statusCode, res.body).toBe(200);
    const d = detectionSchema.parse(res.json()) as Detection;
    expect(d).toMatchObject({ inseeCode: '56260', communeName: 'Vannes', indicator: 'total', method: 'earsC3', historyLength: 90 });
    expect(d.series).toHaveLength(90);
    expect(d.points).toHaveLength(7);
    const last = d.points.at(-1)!;
    expect(last.alarm).toBe(true);
    expect(last.observed!).toBeGreaterThan(last.upperbound!);
    expect(last.explanation).toMatch(/^Alerte : \d+ cas observés, .* attendus?, seuil .*EARS C3/);
    // The two last days of the Vannes EHPAD cluster both alarm.
    expect(d.points.slice(-2).map((p) => p.alarm)).toEqual([true, true]);

    // One indicator; a commune with missing days keeps them null (not zero).
    const ehpad = detectionSchema.parse((await get(s(pref, 'reader'), 'inseeCode=56260&indicator=ehpad&days=3')).json()) as Detection;
    expect(ehpad.indicatorLabel).toBe('Décès en EHPAD');
    expect(ehpad.points.some((p) => p.alarm === true)).toBe(true);
    const missingDay = await db()
      .selectFrom('collection_campaign_communes as cc')
      .select('cc.insee_code')
      .where('cc.campaign_id', '=', id)
      .where(sql<boolean>`(SELECT count(*) FROM collection_declarations d WHERE d.campaign_id = cc.campaign_id AND d.insee_code = cc.insee_code) < 89`)
      .executeTakeFirstOrThrow();
    const sparse = detectionSchema.parse((await get(s(pref, 'reader'), `inseeCode=${missingDay.insee_code}`)).json()) as Detection;
    expect(sparse.series.slice(0, -1).some((p) => p.value === null)).toBe(true);
    expect(sparse.series.filter((p) => p.value !== null).length).toBeLessThan(90);

    // The commune reads its own detection, not another's; unknown indicator is a field error.
    expect((await get(s(vannes, 'reader'), 'inseeCode=56260')).statusCode).toBe(200);
    expectError(await get(s(vannes, 'reader'), 'inseeCode=56121'), 'not_found');
    expectError(await get(s(lorient, 'reader'), 'inseeCode=56260'), 'not_found');
    const err = expectError(await get(s(pref, 'reader'), 'inseeCode=56260&indicator=inconnu'), 'validation_failed');
    expect(err.details).toEqual([expect.objectContaining({ path: 'indicator' })]);
  });

  it('switches to noufaily2013 once the commune has three years of history', async () => {
    const c = await createCampaign({ name: 'Longue série', startDate: '2022-01-01', communes: ['56121'] });
    const rows: Array<{ campaign_id: string; insee_code: string; period_date: string; values: string; declared_by_name: string }> = [];
    for (let d = Date.parse('2022-01-01T00:00:00Z'); d <= Date.parse(`${TODAY}T00:00:00Z`); d += 86_400_000) {
      const i = rows.length;
      rows.push({ campaign_id: c.id, insee_code: '56121', period_date: new Date(d).toISOString().slice(0, 10), values: JSON.stringify({ domicile: i % 2, ehpad: i % 3 === 0 ? 1 : 0 }), declared_by_name: 'Historique' });
    }
    for (let i = 0; i < rows.length; i += 500) await db().insertInto('collection_declarations').values(rows.slice(i, i + 500)).execute();
    t.services.now = () => MORNING;
    const d = detectionSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/detection?inseeCode=56121&days=3`)).json()) as Detection;
    expect(d.method).toBe('noufaily2013');
    expect(d.points).toHaveLength(3);
    expect(d.points.every((p) => p.explanation.length > 0 && p.alarm === false)).toBe(true);
  });
});

it('no request of this file got a 5xx answer', () => {
  expect(serverErrors).toEqual([]);
});
