// Collecte, the prefecture's dashboard: overview of a date (statuses, values, sums and rates, alert
// levels from the rules and from the stored statistical detection), department totals over time,
// the stored detection kept in step by its queue and refresher, and the morning report PDF.
// On both engines.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { PDFParse } from 'pdf-parse';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { countRows, eventually, expectError, send, serverErrors, signIn, WsClient, orgWith, type Org, createTestCampaign } from './support';
import { openPostgres } from '../../src/server/db/client';
import type { OverviewCache } from '../../src/server/modules/collection';
import { topicOf, type ServerFrame } from '../../src/shared/realtime';
import { roles, type Role } from '../../src/shared/permissions';
import type { CampaignDetail, Overview, OverviewCommune, Totals } from '../../src/shared/schemas/collection';
import { campaignDetailSchema, overviewSchema, totalsSchema } from '../../src/shared/schemas/collection';
import { seedDemoCollection } from '../../src/server/seed/demo-collection';

/** Instants of Tuesday 10 March 2026 (CET, UTC+1): 09:30 and 12:00 in Paris. */
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

const db = () => t.db.database.db;
const s = (o: Org, r: Role) => o.s[r]!;

const createCampaign = (body: Record<string, unknown> = {}): Promise<CampaignDetail> =>
  createTestCampaign(t.app, s(pref, 'coordinator'), { name: 'Tableau de bord (test)', startDate: START, ...body });

const put = (as: Session, id: string, insee: string, date: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> =>
  send(t.app, as, 'PUT', `/api/campaigns/${id}/declarations/${insee}/${date}`, { json: body });

async function declare(id: string, insee: string, date: string, values: Record<string, number>, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await put(s(pref, 'contributor'), id, insee, date, { values, ...extra });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

async function getOverview(id: string, query: string, as: Session = s(pref, 'reader')): Promise<Overview> {
  const res = await send(t.app, as, 'GET', `/api/campaigns/${id}/overview?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return overviewSchema.parse(res.json()) as Overview;
}

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;
const detectionMessage = (ws: WsClient, topic: string) =>
  ws.next<MessageFrame>((f) => f.type === 'message' && f.topic === topic && f.event.kind === 'detection.updated');

const communeOf = (o: Overview, insee: string): OverviewCommune => o.communes.find((c) => c.inseeCode === insee)!;

/** Rate per 100,000 inhabitants as the API rounds it (two decimals). */
const rate = (sum: number, population: number) => Math.round((sum / population) * 100_000 * 100) / 100;
/** One decimal, French style (the reasons' messages). */
const fr1 = (n: number) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(n);

async function pdfText(res: LightMyRequestResponse): Promise<string> {
  return (await new PDFParse({ data: new Uint8Array(res.rawPayload) }).getText()).text;
}

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  t.services.now = () => MORNING;
  pref = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Préfecture du Morbihan (test)' }, [...roles]);
  rival = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Autre préfecture (test)' }, ['administrator']);
  vannes = await orgWith(t, { kind: 'commune', inseeCode: '56260', departmentCode: '56', name: 'Commune de Vannes (test)' }, ['administrator', 'reader']);
  lorient = await orgWith(t, { kind: 'commune', inseeCode: '56121', departmentCode: '56', name: 'Commune de Lorient (test)' }, ['contributor']);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t?.close());

describe('overview', () => {
  // Vannes:  02/03 {5,5}, 04/03 {3,0}, 09/03 {1,0}, 10/03 {2,1}
  // Lorient: 09/03 {0,2}, 10/03 {0,0} (a declared zero)
  // Arradon: 03/03 {4,0} only (nothing today)
  let c: CampaignDetail;
  let population: Record<string, number>;
  beforeAll(async () => {
    t.services.now = () => MORNING;
    c = await createCampaign();
    await declare(c.id, '56260', '2026-03-02', { domicile: 5, ehpad: 5 });
    await declare(c.id, '56003', '2026-03-03', { domicile: 4, ehpad: 0 });
    await declare(c.id, '56260', '2026-03-04', { domicile: 3, ehpad: 0 });
    await declare(c.id, '56260', YESTERDAY, { domicile: 1, ehpad: 0 });
    await declare(c.id, '56121', YESTERDAY, { domicile: 0, ehpad: 2 });
    await declare(c.id, '56260', TODAY, { domicile: 2, ehpad: 1 });
    await declare(c.id, '56121', TODAY, { domicile: 0, ehpad: 0 });
    const detail = campaignDetailSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}`)).json());
    population = Object.fromEntries(detail.communes.map((x) => [x.inseeCode, x.population!]));
    expect(Object.values(population).every((p) => p > 1000)).toBe(true);
  });

  it('per commune: status by the Paris deadline, value (null = not declared, 0 = declared zero), sums and rates over 7 periods and since the start', async () => {
    t.services.now = () => MORNING;
    const o = await getOverview(c.id, `date=${TODAY}`);
    expect(o).toMatchObject({ campaignId: c.id, date: TODAY, indicator: 'total', indicatorLabel: 'Total des indicateurs', windowPeriods: 7, detectionUpdatedAt: null });
    expect(o.communes.map((x) => x.inseeCode)).toEqual(['56003', '56121', '56260']);
    const v = communeOf(o, '56260');
    const l = communeOf(o, '56121');
    const a = communeOf(o, '56003');
    expect(v).toMatchObject({ name: 'Vannes', population: population['56260'], status: 'answered', value: 3 });
    // Window: 04/03..10/03 (7 days, all after the start); 02/03 is outside it but counts since the start.
    expect(v.window).toEqual({ sum: 7, answered: 3, expected: 7, rate: rate(7, population['56260']) });
    expect(v.period).toEqual({ sum: 17, answered: 4, expected: 10, rate: rate(17, population['56260']) });
    expect(l).toMatchObject({ name: 'Lorient', status: 'answered', value: 0 });
    expect(l.window).toEqual({ sum: 2, answered: 2, expected: 7, rate: rate(2, population['56121']) });
    // Arradon: nothing today (null, never 0), 09:30 in Paris is before 10:00: missing, not late.
    expect(a).toMatchObject({ name: 'Arradon', status: 'missing', value: null });
    expect(a.window).toEqual({ sum: 0, answered: 0, expected: 7, rate: 0 });
    expect(a.period).toEqual({ sum: 4, answered: 1, expected: 10, rate: rate(4, population['56003']) });
    // No rule: everyone green, no reason; no detection stored yet, three communes queued.
    expect(o.communes.every((x) => x.level === 'vert' && x.previousLevel === 'vert' && x.reasons.length === 0 && x.detection === null)).toBe(true);
    expect(o.detectionPending).toBe(3);

    // The department: sums of the communes, expected commune-periods, its population.
    const depPopulation = population['56260'] + population['56121'] + population['56003'];
    expect(o.department).toEqual({
      code: '56',
      name: 'Morbihan',
      population: depPopulation,
      value: 3,
      window: { sum: 9, answered: 5, expected: 21, rate: rate(9, depPopulation) },
      period: { sum: 23, answered: 7, expected: 30, rate: rate(23, depPopulation) },
      level: 'vert',
      previousLevel: 'vert',
      reasons: [],
      levelCounts: { vert: 3, jaune: 0, orange: 0, rouge: 0 },
    });

    // 10:30 in Paris (09:30 UTC, before 10:00 in UTC): Arradon is late.
    t.services.now = () => new Date('2026-03-10T09:30:00Z');
    expect(communeOf(await getOverview(c.id, `date=${TODAY}`), '56003').status).toBe('late');
    // 09:59 in Paris: still missing.
    t.services.now = () => new Date('2026-03-10T08:59:00Z');
    expect(communeOf(await getOverview(c.id, `date=${TODAY}`), '56003').status).toBe('missing');
    // A past day: whoever did not answer is late.
    t.services.now = () => MORNING;
    const past = await getOverview(c.id, `date=${YESTERDAY}`);
    expect(past.communes.map((x) => [x.inseeCode, x.status, x.value])).toEqual([
      ['56003', 'late', null],
      ['56121', 'answered', 2],
      ['56260', 'answered', 1],
    ]);
    // Early in the campaign, the window only expects the periods since the start.
    const early = await getOverview(c.id, 'date=2026-03-03');
    expect(communeOf(early, '56260').window).toEqual({ sum: 10, answered: 1, expected: 3, rate: rate(10, population['56260']) });
    expect(communeOf(early, '56260').period).toEqual({ sum: 10, answered: 1, expected: 3, rate: rate(10, population['56260']) });
    expect(early.department.window.expected).toBe(9);
  });

  it('one indicator instead of the total; an unknown indicator is a field error', async () => {
    t.services.now = () => MORNING;
    const o = await getOverview(c.id, `date=${TODAY}&indicator=ehpad`);
    expect(o).toMatchObject({ indicator: 'ehpad', indicatorLabel: 'Décès en EHPAD' });
    expect(o.communes.map((x) => [x.inseeCode, x.value, x.window.sum, x.period.sum])).toEqual([
      ['56003', null, 0, 0],
      ['56121', 0, 2, 2],
      ['56260', 1, 1, 6],
    ]);
    expect(communeOf(o, '56260').window.rate).toBe(rate(1, population['56260']));
    expect(o.department).toMatchObject({ value: 1, window: { sum: 3, answered: 5 }, period: { sum: 8, answered: 7 } });
    const err = expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/overview?date=${TODAY}&indicator=hopital`), 'validation_failed');
    expect(err.details).toEqual([expect.objectContaining({ path: 'indicator', code: 'unknown_indicator' })]);
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/overview?date=${TODAY}&indicator=Total`), 'validation_failed');
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/overview?date=2026-02-30`), 'validation_failed');
  });

  it('alert rules: counts and rates over windows, commune and department scopes, highest level wins, level of the period before, French reasons', async () => {
    t.services.now = () => MORNING;
    const alerts = {
      rules: [
        { scope: 'commune', level: 'jaune', indicator: 'ehpad', metric: 'count', window: 1, threshold: 1 },
        { scope: 'commune', level: 'rouge', indicator: 'total', metric: 'rate', window: 7, threshold: 10 },
        { scope: 'department', level: 'orange', indicator: 'total', metric: 'count', window: 7, threshold: 9 },
        { scope: 'department', level: 'jaune', indicator: 'total', metric: 'rate', window: 1, threshold: 2 },
      ],
      detectionLevel: 'orange',
    };
    const patched = await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { alerts } });
    expect(patched.statusCode, patched.body).toBe(200);
    const o = await getOverview(c.id, `date=${TODAY}`);
    const v = communeOf(o, '56260');
    const l = communeOf(o, '56121');
    const a = communeOf(o, '56003');
    // Vannes: 1 in EHPAD today (jaune) and 7 over 7 days, above 10 per 100,000 (rouge): rouge, first reason first.
    const vRate = (7 / population['56260']) * 100_000;
    expect(vRate).toBeGreaterThan(10);
    expect(v.level).toBe('rouge');
    expect(v.reasons).toEqual([
      { source: 'rule', level: 'rouge', message: `Total des indicateurs : ${fr1(vRate)} pour 100 000 habitants sur 7 jours (7), seuil rouge 10 atteint.` },
      { source: 'rule', level: 'jaune', message: 'Décès en EHPAD : 1 sur le jour, seuil jaune 1 atteint.' },
    ]);
    // The day before: 0 in EHPAD, 4 over 03/03..09/03 (below 10 per 100,000).
    expect(v.previousLevel).toBe('vert');
    // Lorient: 2 in EHPAD yesterday (jaune then), 0 today.
    expect(l).toMatchObject({ level: 'vert', previousLevel: 'jaune', reasons: [] });
    // Arradon: its 4 of 03/03 are in the 7 days before yesterday (03/03..09/03), not in today's.
    expect((4 / population['56003']) * 100_000).toBeGreaterThan(10);
    expect(a).toMatchObject({ level: 'vert', previousLevel: 'rouge', reasons: [] });
    expect(o.department.levelCounts).toEqual({ vert: 2, jaune: 0, orange: 0, rouge: 1 });

    // The department: 9 over 7 days (orange) and 3 today for ~120,000 inhabitants (jaune).
    const depRate = (3 / o.department.population) * 100_000;
    expect(o.department.level).toBe('orange');
    expect(o.department.reasons).toEqual([
      { source: 'rule', level: 'orange', message: 'Total des indicateurs : 9 sur 7 jours, seuil orange 9 atteint.' },
      { source: 'rule', level: 'jaune', message: `Total des indicateurs : ${fr1(depRate)} pour 100 000 habitants sur le jour (3), seuil jaune 2 atteint.` },
    ]);
    // The day before: 10 over 03/03..09/03 (Arradon's 4 of 03/03 included): orange already.
    expect(o.department.previousLevel).toBe('orange');

    // Department rules do not colour communes, commune rules do not colour the department.
    const depOnly = { rules: [alerts.rules[2]], detectionLevel: 'orange' };
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { alerts: depOnly } });
    const d = await getOverview(c.id, `date=${TODAY}`);
    expect(d.communes.every((x) => x.level === 'vert')).toBe(true);
    expect(d.department.level).toBe('orange');
    const communeOnly = { rules: [alerts.rules[1]], detectionLevel: 'orange' };
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { alerts: communeOnly } });
    const m = await getOverview(c.id, `date=${TODAY}`);
    expect(m.department).toMatchObject({ level: 'vert', reasons: [] });
    expect(communeOf(m, '56260').level).toBe('rouge');
    expect(m.department.levelCounts).toEqual({ vert: 2, jaune: 0, orange: 0, rouge: 1 });
    // A threshold just above the value: no alert (a rate rule compares with ≥).
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, {
      json: { alerts: { rules: [{ level: 'rouge', metric: 'count', window: 7, threshold: 7.5 }] } },
    });
    expect(communeOf(await getOverview(c.id, `date=${TODAY}`), '56260').level).toBe('vert');
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { alerts: { rules: [] } } });
  });

  it('dates: not in the future (Paris day), a Monday for a weekly campaign', async () => {
    t.services.now = () => MORNING;
    const err = expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/overview?date=2026-03-11`), 'invalid_period_date');
    expect(err.details).toEqual([expect.objectContaining({ path: 'date', code: 'in_future' })]);
    // 00:30 in Paris on 11 March (23:30 UTC on the 10th): the 11th is today, the 12th the future.
    t.services.now = () => new Date('2026-03-10T23:30:00Z');
    expect((await getOverview(c.id, 'date=2026-03-11')).communes.every((x) => x.status === 'missing')).toBe(true);
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/overview?date=2026-03-12`), 'invalid_period_date');
    t.services.now = () => MORNING;

    const w = await createCampaign({ name: 'Hebdo (test)', period: 'weekly', startDate: '2026-02-02' });
    const notMonday = expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${w.id}/overview?date=2026-03-04`), 'invalid_period_date');
    expect(notMonday.details).toEqual([expect.objectContaining({ path: 'date', code: 'not_monday' })]);
    await declare(w.id, '56260', '2026-02-16', { domicile: 2, ehpad: 0 });
    await declare(w.id, '56260', '2026-03-02', { domicile: 1, ehpad: 1 });
    const week = await getOverview(w.id, 'date=2026-03-09');
    // Weeks of 02/02..09/03: 6 periods since the start, all within the 7-week window.
    expect(communeOf(week, '56260')).toMatchObject({ status: 'missing', value: null, window: { sum: 4, answered: 2, expected: 6 }, period: { sum: 4, answered: 2, expected: 6 } });
    // The week of 02/03 is late once the Monday after (09/03) 10:00 has passed.
    expect(communeOf(await getOverview(w.id, 'date=2026-03-02'), '56121').status).toBe('late');
    // Rules count weeks.
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${w.id}`, {
      json: {
        alerts: {
          rules: [
            { level: 'jaune', metric: 'count', window: 2, threshold: 2 },
            { level: 'orange', metric: 'count', window: 1, threshold: 2 },
          ],
        },
      },
    });
    const ruled = communeOf(await getOverview(w.id, 'date=2026-03-09'), '56260');
    expect(ruled).toMatchObject({ level: 'jaune', previousLevel: 'orange' });
    expect(ruled.reasons).toEqual([{ source: 'rule', level: 'jaune', message: 'Total des indicateurs : 2 sur 2 semaines, seuil jaune 2 atteint.' }]);
    expect(communeOf(await getOverview(w.id, 'date=2026-03-02'), '56260').reasons.map((r) => r.message)).toEqual([
      'Total des indicateurs : 2 sur la semaine, seuil orange 2 atteint.',
      'Total des indicateurs : 2 sur 2 semaines, seuil jaune 2 atteint.',
    ]);
  });

  it('prefecture only: a commune gets prefecture_only, another prefecture not_found', async () => {
    for (const url of [`/api/campaigns/${c.id}/overview?date=${TODAY}`, `/api/campaigns/${c.id}/totals?from=${START}&to=${TODAY}`, `/api/campaigns/${c.id}/report.pdf?date=${TODAY}`]) {
      for (const as of [s(vannes, 'administrator'), s(vannes, 'reader'), s(lorient, 'contributor')]) expectError(await send(t.app, as, 'GET', url), 'prefecture_only');
      expectError(await send(t.app, s(rival, 'administrator'), 'GET', url), 'not_found');
      expectError(await send(t.app, null, 'GET', url), 'unauthenticated');
    }
    for (const r of roles) expect((await send(t.app, s(pref, r), 'GET', `/api/campaigns/${c.id}/overview?date=${TODAY}`)).statusCode).toBe(200);
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${crypto.randomUUID()}/overview?date=${TODAY}`), 'not_found');
  });

  it('totals: one row per period of the span, zeros for periods nobody answered; one year at most, in order', async () => {
    const res = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/totals?from=2026-02-25&to=${TODAY}`);
    expect(res.statusCode, res.body).toBe(200);
    const totals = totalsSchema.parse(res.json()) as Totals;
    expect(totals.campaignId).toBe(c.id);
    // From the campaign's start (01/03), not before it.
    expect(totals.periods.map((p) => p.date)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((d) => `2026-03-${d}`));
    const byDate = new Map(totals.periods.map((p) => [p.date, p]));
    expect(byDate.get('2026-03-01')).toEqual({ date: '2026-03-01', answered: 0, asked: 3, values: { domicile: 0, ehpad: 0 }, total: 0 });
    expect(byDate.get('2026-03-02')).toEqual({ date: '2026-03-02', answered: 1, asked: 3, values: { domicile: 5, ehpad: 5 }, total: 10 });
    expect(byDate.get('2026-03-03')).toEqual({ date: '2026-03-03', answered: 1, asked: 3, values: { domicile: 4, ehpad: 0 }, total: 4 });
    expect(byDate.get('2026-03-05')).toEqual({ date: '2026-03-05', answered: 0, asked: 3, values: { domicile: 0, ehpad: 0 }, total: 0 });
    expect(byDate.get(YESTERDAY)).toEqual({ date: YESTERDAY, answered: 2, asked: 3, values: { domicile: 1, ehpad: 2 }, total: 3 });
    expect(byDate.get(TODAY)).toEqual({ date: TODAY, answered: 2, asked: 3, values: { domicile: 2, ehpad: 1 }, total: 3 });
    expect(totals.periods.reduce((sum, p) => sum + p.total, 0)).toBe(23);
    // A part of the span.
    const part = totalsSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/totals?from=2026-03-03&to=2026-03-04`)).json());
    expect(part.periods.map((p) => [p.date, p.total])).toEqual([['2026-03-03', 4], ['2026-03-04', 3]]);
    // 366 days is the most.
    expect((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/totals?from=2025-03-09&to=${TODAY}`)).statusCode).toBe(200);
    const long = expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/totals?from=2025-03-08&to=${TODAY}`), 'validation_failed');
    expect(long.details).toEqual([expect.objectContaining({ path: 'to', code: 'range_too_long' })]);
    const reversed = expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/totals?from=${TODAY}&to=${YESTERDAY}`), 'validation_failed');
    expect(reversed.details).toEqual([expect.objectContaining({ path: 'to', code: 'invalid_range' })]);
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/totals?from=${START}`), 'validation_failed');

    // A weekly campaign: Mondays only.
    const w = await createCampaign({ name: 'Hebdo totaux (test)', period: 'weekly', startDate: '2026-02-04' });
    await declare(w.id, '56003', '2026-02-16', { domicile: 1, ehpad: 2 });
    await declare(w.id, '56121', '2026-02-16', { domicile: 0, ehpad: 1 });
    const weekly = totalsSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${w.id}/totals?from=2026-01-01&to=${TODAY}`)).json());
    expect(weekly.periods.map((p) => [p.date, p.answered, p.total])).toEqual([
      ['2026-02-09', 0, 0],
      ['2026-02-16', 2, 4],
      ['2026-02-23', 0, 0],
      ['2026-03-02', 0, 0],
      ['2026-03-09', 0, 0],
    ]);
  });

  it('the morning report: a PDF with the campaign, new alarms and late communes', async () => {
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, {
      json: { alerts: { rules: [{ level: 'rouge', metric: 'rate', window: 7, threshold: 10 }] } },
    });
    t.services.now = () => NOON;
    const res = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/report.pdf?date=${TODAY}`);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="rapport-tableau-de-bord-test-2026-03-10\.pdf"/);
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(res);
    expect(text).toContain('Rapport du matin');
    expect(text).toContain('Tableau de bord (test)');
    expect(text).toContain('Préfecture du Morbihan (test)');
    // Vannes rose from green to red today: a new alarm, with its reason.
    expect(text).toContain('Nouvelles alarmes (1)');
    expect(text).toMatch(/Vannes \(56260\) — Rouge \(la veille : Vert\)/);
    expect(text).toContain('pour 100 000 habitants sur 7 jours (7), seuil rouge 10 atteint');
    // Noon: Arradon is late, and said so.
    expect(text).toContain('Communes en retard (1)');
    expect(text).toContain('Arradon (56003)');
    // Before the deadline, the same list is "without an answer yet".
    t.services.now = () => MORNING;
    const morning = await pdfText(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/report.pdf?date=${TODAY}`));
    expect(morning).toContain('Communes sans réponse (1)');
    expect(morning).toContain('pas encore atteinte');
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/report.pdf?date=2026-03-11`), 'invalid_period_date');
    // A date before the campaign's start: the overview has zeros there, and so has the report.
    expect((await getOverview(c.id, 'date=2026-02-27')).department.period).toEqual({ sum: 0, answered: 0, expected: 0, rate: 0 });
    const before = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/report.pdf?date=2026-02-27`);
    expect(before.statusCode, before.body.slice(0, 300)).toBe(200);
    expect(await pdfText(before)).toContain('Communes en retard (3)');
    // A weekly campaign's report.
    const w = await createCampaign({ name: 'Hebdo rapport (test)', period: 'weekly', startDate: '2026-02-02' });
    await declare(w.id, '56260', '2026-03-02', { domicile: 1, ehpad: 1 });
    const weekly = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${w.id}/report.pdf?date=2026-03-02`);
    expect(weekly.statusCode, weekly.body.slice(0, 300)).toBe(200);
    const weeklyText = await pdfText(weekly);
    expect(weeklyText).toContain('Hebdo rapport (test)');
    expect(weeklyText).toContain('7 semaines');
    expect(weeklyText).toContain('Communes en retard (2)');
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/report.pdf`), 'validation_failed');
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { alerts: { rules: [] } } });
  });
});

describe('stored detection', () => {
  type Stored = { area: string; date: string; observed: number | null; method: string; computed_at: Date };
  const stored = async (id: string): Promise<Stored[]> =>
    (
      await sql<Stored>`SELECT area, period_date::text AS date, observed, method, computed_at FROM collection_detection
        WHERE campaign_id = ${id} ORDER BY area, period_date`.execute(db())
    ).rows;
  const queue = async (id: string) =>
    (await sql<{ insee_code: string; from_date: string }>`SELECT insee_code, from_date::text AS from_date FROM collection_detection_queue WHERE campaign_id = ${id} ORDER BY insee_code`.execute(db()))
      .rows;

  it('declarations queue their commune; flush stores the commune’s and the department’s detection, empties the queue and tells the dashboards', async () => {
    t.services.now = () => MORNING;
    await t.services.jobs.detection.flush();
    const c = await createCampaign({ name: 'Détection stockée (test)' });
    const topic = topicOf('campaign', c.id);
    const ws = await WsClient.connect(port, s(pref, 'reader'));
    expect(await ws.subscribe(topic)).toMatchObject({ type: 'subscribed', topic });

    const vannesDays = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10'];
    // Declared out of order: the queue keeps the earliest date.
    for (const d of [...vannesDays].reverse()) await declare(c.id, '56260', d, { domicile: 1, ehpad: d === TODAY ? 1 : 0 });
    await declare(c.id, '56121', '2026-03-08', { domicile: 2, ehpad: 0 });
    await declare(c.id, '56121', TODAY, { domicile: 0, ehpad: 0 });
    expect(await queue(c.id)).toEqual([
      { insee_code: '56121', from_date: '2026-03-08' },
      { insee_code: '56260', from_date: '2026-03-01' },
    ]);
    expect(await stored(c.id)).toEqual([]);
    expect((await getOverview(c.id, `date=${TODAY}`)).detectionPending).toBe(2);
    // Nothing is computed until the refresher runs (tests: only on flush()).
    await ws.roundTrip();
    expect(ws.pending().filter((f) => f.type === 'message' && f.event.kind === 'detection.updated')).toEqual([]);

    await t.services.jobs.detection.flush();
    expect(await queue(c.id)).toEqual([]);
    const rows = await stored(c.id);
    // One point per declared date: the commune's own series, and the department's sum.
    expect(rows.filter((r) => r.area === '56260').map((r) => [r.date, r.observed])).toEqual(vannesDays.map((d) => [d, d === TODAY ? 2 : 1]));
    expect(rows.filter((r) => r.area === '56121').map((r) => [r.date, r.observed])).toEqual([
      ['2026-03-08', 2],
      [TODAY, 0],
    ]);
    expect(rows.filter((r) => r.area === 'department').map((r) => [r.date, r.observed])).toEqual(vannesDays.map((d) => [d, d === '2026-03-08' ? 3 : d === TODAY ? 2 : 1]));
    expect(rows.every((r) => r.method === 'earsC3')).toBe(true);
    expect(rows.filter((r) => r.area === '56003')).toEqual([]);
    // The declaration.saved messages came first (still queued); the detection message follows them.
    const msg = await detectionMessage(ws, topic);
    expect(msg.event).toEqual({ kind: 'detection.updated', campaignId: c.id, areas: expect.arrayContaining(['56260', '56121']), from: '2026-03-01' });
    expect((msg.event as { areas: string[] }).areas).toHaveLength(2);

    const o = await getOverview(c.id, `date=${TODAY}`);
    expect(o.detectionPending).toBe(0);
    expect(o.detectionUpdatedAt).not.toBeNull();
    expect(communeOf(o, '56260').detection).toMatchObject({ method: 'earsC3', explanation: expect.any(String) });
    expect(communeOf(o, '56003').detection).toBeNull();

    // The same values again change nothing and queue nothing.
    await declare(c.id, '56260', '2026-03-05', { domicile: 1, ehpad: 0 });
    expect(await queue(c.id)).toEqual([]);

    // A correction of a past date: recomputed from that date on, the days before kept as they were.
    await new Promise((r) => setTimeout(r, 5));
    await declare(c.id, '56260', '2026-03-07', { domicile: 4, ehpad: 0 }, { reason: 'Recomptage' });
    expect(await queue(c.id)).toEqual([{ insee_code: '56260', from_date: '2026-03-07' }]);
    await t.services.jobs.detection.flush();
    expect(await queue(c.id)).toEqual([]);
    const after = await stored(c.id);
    const key = (r: Stored) => `${r.area}|${r.date}`;
    const beforeBy = new Map(rows.map((r) => [key(r), r]));
    expect(after.map(key)).toEqual(rows.map(key));
    for (const r of after) {
      const old = beforeBy.get(key(r))!;
      const recomputed = r.area !== '56121' && r.date >= '2026-03-07';
      if (recomputed) expect(r.computed_at.getTime(), key(r)).toBeGreaterThan(old.computed_at.getTime());
      else expect(r.computed_at.getTime(), key(r)).toBe(old.computed_at.getTime());
    }
    expect(after.find((r) => key(r) === '56260|2026-03-07')!.observed).toBe(4);
    expect(after.find((r) => key(r) === 'department|2026-03-07')!.observed).toBe(4);
    const upd = await detectionMessage(ws, topic);
    expect(upd.event).toEqual({ kind: 'detection.updated', campaignId: c.id, areas: ['56260'], from: '2026-03-07' });
    await ws.close();
  });

  it('a stored alarm colours the commune and the department at the campaign’s detection level; "none" shows it without colour', async () => {
    t.services.now = () => MORNING;
    const c = await createCampaign({ name: 'Pic (test)', startDate: '2026-02-01' });
    // Arradon: 0 every day for five weeks, then 9 yesterday and today (entered by the prefecture,
    // confirmed as unusual). EARS C3 judges a day by the two before it: today alarms, yesterday not.
    const history = [];
    for (let d = '2026-02-01'; d < YESTERDAY; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
      history.push({ campaign_id: c.id, insee_code: '56003', period_date: d, values: JSON.stringify({ domicile: 0, ehpad: 0 }), declared_by_name: 'Historique' });
    }
    await db().insertInto('collection_declarations').values(history).execute();
    await declare(c.id, '56003', YESTERDAY, { domicile: 0, ehpad: 9 }, { confirmUnusual: true });
    await declare(c.id, '56003', TODAY, { domicile: 0, ehpad: 9 }, { confirmUnusual: true });
    await declare(c.id, '56260', TODAY, { domicile: 0, ehpad: 0 });
    await t.services.jobs.detection.flush();
    const alarms = await db()
      .selectFrom('collection_detection')
      .select(['area', 'alarm', 'explanation'])
      .select(sql<string>`period_date::text`.as('date'))
      .where('campaign_id', '=', c.id)
      .where(sql<boolean>`period_date >= ${YESTERDAY}::date`)
      .orderBy('area')
      .orderBy('period_date')
      .execute();
    expect(alarms.map((r) => [r.area, r.date, r.alarm])).toEqual([
      ['56003', YESTERDAY, false],
      ['56003', TODAY, true],
      // Vannes' first declaration: no baseline, no verdict.
      ['56260', TODAY, null],
      ['department', YESTERDAY, false],
      ['department', TODAY, true],
    ]);

    const o = await getOverview(c.id, `date=${TODAY}`);
    const a = communeOf(o, '56003');
    expect(a).toMatchObject({ level: 'orange', previousLevel: 'vert', detection: { method: 'earsC3', alarm: true } });
    expect(a.reasons).toEqual([{ source: 'detection', level: 'orange', message: a.detection!.explanation }]);
    expect(a.reasons[0].message).toMatch(/^Alerte/);
    expect(communeOf(o, '56260')).toMatchObject({ level: 'vert', reasons: [] });
    // The department's own series (sum of the answers) alarms too.
    expect(o.department.level).toBe('orange');
    expect(o.department.reasons).toEqual([expect.objectContaining({ source: 'detection', level: 'orange' })]);
    expect(o.department.levelCounts).toEqual({ vert: 2, jaune: 0, orange: 1, rouge: 0 });

    // Another level; the highest of rules and detection wins.
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, {
      json: { alerts: { rules: [{ level: 'jaune', indicator: 'ehpad', metric: 'count', window: 1, threshold: 5 }], detectionLevel: 'rouge' } },
    });
    const red = communeOf(await getOverview(c.id, `date=${TODAY}`), '56003');
    expect(red.level).toBe('rouge');
    expect(red.reasons.map((r) => [r.source, r.level]).sort()).toEqual([
      ['detection', 'rouge'],
      ['rule', 'jaune'],
    ]);
    // "none": the detection is still shown, it gives no colour and no reason.
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${c.id}`, { json: { alerts: { rules: [], detectionLevel: 'none' } } });
    const none = await getOverview(c.id, `date=${TODAY}`);
    expect(communeOf(none, '56003')).toMatchObject({ level: 'vert', reasons: [], detection: { alarm: true } });
    expect(none.department).toMatchObject({ level: 'vert', reasons: [] });
    expect(none.department.levelCounts).toEqual({ vert: 3, jaune: 0, orange: 0, rouge: 0 });
  });

  it('demo data: after a flush, the Vannes EHPAD peak is an alarm on today’s overview and in the morning report', async () => {
    t.services.now = () => NOON;
    await t.services.jobs.detection.flush();
    const id = await db().transaction().execute((tx) => seedDemoCollection(tx, { id: pref.org.id, userId: pref.users.coordinator!.id, userName: 'Démo' }, NOON));
    const before = await getOverview(id, `date=${TODAY}`);
    expect(before.detectionPending).toBe(before.communes.length);
    expect(before.communes).toHaveLength(249);
    await t.services.jobs.detection.flush();
    const counts = await countRows(db());
    expect(counts.collection_detection_queue).toBe(0);

    const o = await getOverview(id, `date=${TODAY}`);
    expect(o.detectionPending).toBe(0);
    expect(o.detectionUpdatedAt).not.toBeNull();
    const v = communeOf(o, '56260');
    expect(v).toMatchObject({ status: 'answered', level: 'orange', detection: { alarm: true } });
    expect(v.reasons).toEqual([expect.objectContaining({ source: 'detection', level: 'orange', message: expect.stringMatching(/^Alerte/) })]);
    expect(o.department.levelCounts.orange).toBeGreaterThanOrEqual(1);
    expect(Object.values(o.department.levelCounts).reduce((a, b) => a + b, 0)).toBe(249);
    // About 40 % have not answered by noon, past the 10:00 deadline: late.
    const late = o.communes.filter((c) => c.status === 'late');
    expect(late.length).toBeGreaterThan(50);
    expect(late.every((c) => c.value === null)).toBe(true);

    // The peak's first day (6 deaths, threshold 7.5) stays below EARS C3's threshold; the second
    // (13) alarms: Vannes' alarm is new yesterday, ongoing today.
    const rise = communeOf(await getOverview(id, `date=${YESTERDAY}`), '56260');
    expect(rise).toMatchObject({ level: 'orange', previousLevel: 'vert' });
    expect(v.previousLevel).toBe('orange');

    const res = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${id}/report.pdf?date=${YESTERDAY}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res);
    expect(text).toContain('Rapport du matin');
    expect(text).toContain('Décès COVID-19 par lieu');
    const fresh = text.slice(text.indexOf('Nouvelles alarmes'), text.indexOf('Alarmes en cours'));
    expect(fresh).toContain('Vannes (56260) — Orange (la veille : Vert)');
    expect(fresh).toContain('Détection : Alerte');
    expect(text).toMatch(/Communes en retard \(\d+\)/);

    const today = await pdfText(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${id}/report.pdf?date=${TODAY}`));
    const ongoing = today.slice(today.indexOf('Alarmes en cours'));
    expect(ongoing).toContain('Vannes (56260) — Orange');
    const lateSection = today.slice(today.indexOf('Communes en retard'));
    expect(lateSection).toContain(`Communes en retard (${late.length})`);
    expect(lateSection).toContain(`${late[0].name} (${late[0].inseeCode})`);
  });
});

describe('cached dashboards', () => {
  it('an overview read again is served from the cache, until a declaration — made through another server instance too — makes it stale', async () => {
    const c = await createCampaign({ name: 'Cache' });
    t.services.now = () => MORNING;
    const url = `/api/campaigns/${c.id}/overview?date=${TODAY}`;
    const cache = t.services.caches.overview as OverviewCache;
    const first = await send(t.app, s(pref, 'reader'), 'GET', url);
    const hits = cache.stats.hits;
    const again = await send(t.app, s(pref, 'coordinator'), 'GET', url);
    expect(again.body).toBe(first.body);
    expect(cache.stats.hits).toBe(hits + 1);
    // A commune never reads the prefecture's cached overview.
    expectError(await send(t.app, s(vannes, 'reader'), 'GET', url), 'prefecture_only');

    // Through this instance: stale at once after the answer.
    expect((await put(s(vannes, 'administrator'), c.id, '56260', TODAY, { values: { domicile: 3, ehpad: 0 } })).statusCode).toBe(201);
    const after = overviewSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', url)).json()) as Overview;
    expect(communeOf(after, '56260').value).toBe(3);

    // Through a second instance on the same database: its NOTIFY drops this instance's copy.
    const other = t.db.url ? await openPostgres(t.db.url, 3) : null;
    const t2 = await startTestApp({}, other ? { database: other, url: t.db.url, dataDir: null, cleanup: () => other.close() } : { ...t.db, cleanup: async () => {} });
    try {
      t2.services.now = () => MORNING;
      await send(t.app, s(pref, 'reader'), 'GET', url); // cached again here
      const lorientClerk = await signIn(t2.app, lorient.users.contributor!.email);
      expect((await send(t2.app, lorientClerk, 'PUT', `/api/campaigns/${c.id}/declarations/56121/${TODAY}`, { json: { values: { domicile: 1, ehpad: 1 } } })).statusCode).toBe(201);
      await eventually(async () => communeOf(overviewSchema.parse((await send(t.app, s(pref, 'reader'), 'GET', url)).json()) as Overview, '56121').value === 2);
    } finally {
      await t2.close();
      await other?.close().catch(() => {});
    }
  });
});

describe('running sums', () => {
  it('the sums the database keeps per commune match a recount of the declarations, through submissions, corrections and the demo seed', async () => {
    // Every campaign of this file, written by every path above (declarations, corrections, seed).
    const recount = await sql<{ campaign_id: string; insee_code: string; answered: number; total: number; values: Record<string, number> }>`
      SELECT d.campaign_id, d.insee_code, count(*)::int AS answered, sum(d.total)::bigint AS total,
        (SELECT jsonb_object_agg(k, v) FROM (SELECT e.key AS k, sum((e.value)::text::bigint) AS v FROM collection_declarations d2, jsonb_each(d2."values") e
           WHERE d2.campaign_id = d.campaign_id AND d2.insee_code = d.insee_code GROUP BY e.key) y) AS "values"
      FROM collection_declarations d GROUP BY d.campaign_id, d.insee_code ORDER BY 1, 2`.execute(db());
    const kept = await sql<{ campaign_id: string; insee_code: string; answered: number; total: number; values: Record<string, number> }>`
      SELECT campaign_id, insee_code, answered, total, "values" FROM collection_commune_sums WHERE answered > 0 ORDER BY 1, 2`.execute(db());
    expect(recount.rows.length).toBeGreaterThan(249);
    expect(kept.rows.map((r) => ({ ...r, total: Number(r.total) }))).toEqual(recount.rows.map((r) => ({ ...r, total: Number(r.total) })));
  });
});

it('no request of this file got a 5xx answer', () => {
  expect(serverErrors).toEqual([]);
});
