// Collecte, interoperability: CSV export (re-importable), DHIS2 dataValueSets export, and the CSV
// import that back-fills history — all or nothing, every problem reported with its line. On both
// engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildUser } from '../fixtures/factories';
import { multipartBody, TINY_PNG } from '../fixtures/logbook';
import { countRows, expectError, send, serverErrors, signIn, WsClient, type RowCounts, orgWith, type Org, createTestCampaign } from './support';
import { topicOf, type ServerFrame } from '../../src/shared/realtime';
import { roles, type Role } from '../../src/shared/permissions';
import type { CampaignDetail, Declaration, ImportIssue, ImportResult } from '../../src/shared/schemas/collection';
import { declarationHistorySchema, declarationSchema, importResultSchema } from '../../src/shared/schemas/collection';
import type { UserRow } from '../../src/server/db/schema';

/** 09:30 in Paris on Tuesday 10 March 2026 (CET, UTC+1). */
const MORNING = new Date('2026-03-10T08:30:00Z');
const TODAY = '2026-03-10';
const YESTERDAY = '2026-03-09';
const START = '2026-03-01';
const HEADER = 'date;code_insee;commune;domicile;ehpad;total;version;declare_par;declare_le;modifie_par;modifie_le';

let t: TestApp;
let port: number;
let pref: Org;
let rival: Org;
let vannes: Org;
let lorient: Org;
let montpellier: Org;
/** A prefecture agent whose name needs CSV quoting. */
let agent: { user: UserRow; s: Session };

const db = () => t.db.database.db;
const s = (o: Org, r: Role) => o.s[r]!;

const createCampaign = (body: Record<string, unknown> = {}): Promise<CampaignDetail> =>
  createTestCampaign(t.app, s(pref, 'coordinator'), { name: 'Export (test)', startDate: START, ...body });

async function declare(as: Session, id: string, insee: string, date: string, values: Record<string, number>, reason?: string): Promise<Declaration> {
  const res = await send(t.app, as, 'PUT', `/api/campaigns/${id}/declarations/${insee}/${date}`, { json: { values, ...(reason ? { reason } : {}) } });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return declarationSchema.parse(res.json()) as Declaration;
}

async function declarations(id: string, from = START, to = TODAY): Promise<Declaration[]> {
  const res = await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${id}/declarations?from=${from}&to=${to}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().declarations as Declaration[];
}

const exportCsv = (as: Session | null, id: string, from = START, to = TODAY) => send(t.app, as, 'GET', `/api/campaigns/${id}/export.csv?from=${from}&to=${to}`);
const exportDhis2 = (as: Session, id: string, from = START, to = TODAY) => send(t.app, as, 'GET', `/api/campaigns/${id}/export.dhis2.json?from=${from}&to=${to}`);

/** Data lines of an exported CSV (BOM, header and final line end removed). */
function csvLines(res: LightMyRequestResponse): string[] {
  expect(res.body.charCodeAt(0)).toBe(0xfeff);
  expect(res.body.endsWith('\r\n')).toBe(true);
  const [header, ...lines] = res.body.slice(1, -2).split('\r\n');
  expect(header).toBe(HEADER);
  return lines;
}

const quote = (v: string) => (/[";\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
/** The export line of a declaration, as the API shows it. */
const lineOf = (d: Declaration) =>
  [d.date, d.inseeCode, d.communeName, d.values.domicile, d.values.ehpad, d.values.domicile + d.values.ehpad, d.version, quote(d.declaredBy), d.declaredAt, quote(d.updatedBy ?? ''), d.version > 1 ? d.updatedAt : ''].join(';');

function upload(as: Session, id: string, file: string | Buffer, query = '', name = 'import.csv', type = 'text/csv'): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipartBody('file', name, type, Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'));
  return send(t.app, as, 'POST', `/api/campaigns/${id}/import${query}`, { raw: payload, headers });
}

/** The issues of a refused import, after checking the error itself. */
function issuesOf(res: LightMyRequestResponse): ImportIssue[] {
  return expectError(res, 'import_invalid').details as ImportIssue[];
}

/** Windows-1252 bytes of a text (what a French spreadsheet saves as "CSV (séparateur : point-virgule)"). */
function cp1252(text: string): Buffer {
  const special: Record<string, number> = { '€': 0x80, '’': 0x92, '–': 0x96, 'œ': 0x9c };
  return Buffer.from(
    [...text].map((ch) => {
      const code = special[ch] ?? ch.charCodeAt(0);
      if (code > 0xff) throw new Error(`not in Windows-1252: ${ch}`);
      return code;
    }),
  );
}

const issue = (line: number, code: string, column?: string) => ({ line, code, ...(column ? { column } : {}), message: expect.any(String) });

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  t.services.now = () => MORNING;
  pref = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Préfecture du Morbihan (test)' }, [...roles]);
  rival = await orgWith(t, { kind: 'prefecture', departmentCode: '56', name: 'Autre préfecture (test)' }, ['administrator']);
  vannes = await orgWith(t, { kind: 'commune', inseeCode: '56260', departmentCode: '56', name: 'Commune de Vannes (test)' }, [...roles]);
  lorient = await orgWith(t, { kind: 'commune', inseeCode: '56121', departmentCode: '56', name: 'Commune de Lorient (test)' }, ['reader']);
  montpellier = await orgWith(t, { kind: 'commune', inseeCode: '34172', name: 'Montpellier (test)' }, ['administrator']);
  const user = await buildUser(db(), { organisationId: pref.org.id, role: 'contributor', displayName: 'Agent; « standard » "SIDPC"' });
  agent = { user, s: await signIn(t.app, user.email) };
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t?.close());

describe('exports', () => {
  let c: CampaignDetail;
  beforeAll(async () => {
    t.services.now = () => MORNING;
    c = await createCampaign();
    await declare(s(vannes, 'contributor'), c.id, '56260', YESTERDAY, { domicile: 2, ehpad: 0 });
    await declare(s(vannes, 'administrator'), c.id, '56260', YESTERDAY, { domicile: 3, ehpad: 1 }, 'Un décès en EHPAD signalé tardivement');
    await declare(s(pref, 'contributor'), c.id, '56121', YESTERDAY, { domicile: 0, ehpad: 0 });
    await declare(agent.s, c.id, '56003', TODAY, { domicile: 1, ehpad: 0 });
    await declare(s(vannes, 'contributor'), c.id, '56260', TODAY, { domicile: 0, ehpad: 1 });
  });

  it('CSV: BOM, « ; », the fixed header, one line per declaration (date, then commune), quoted where needed', async () => {
    const res = await exportCsv(s(pref, 'reader'), c.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="collecte-export-test-2026-03-01-2026-03-10\.csv"/);
    const lines = csvLines(res);
    const all = await declarations(c.id);
    expect(all).toHaveLength(4);
    expect(lines).toEqual(all.map(lineOf));
    expect(lines.map((l) => l.split(';').slice(0, 2).join(' '))).toEqual(['2026-03-09 56121', '2026-03-09 56260', '2026-03-10 56003', '2026-03-10 56260']);
    // The corrected one: values after correction, version 2, who declared and who corrected.
    const corrected = all.find((d) => d.inseeCode === '56260' && d.date === YESTERDAY)!;
    expect(lines[1]).toBe(
      `2026-03-09;56260;Vannes;3;1;4;2;${vannes.users.contributor!.display_name};${corrected.declaredAt};${vannes.users.administrator!.display_name};${corrected.updatedAt}`,
    );
    // Not corrected: nobody and no date in the "modified" columns; a name with « ; » and quotes is quoted.
    expect(lines[2]).toBe(`2026-03-10;56003;Arradon;1;0;1;1;"Agent; « standard » ""SIDPC""";${all[2].declaredAt};;`);
    // Every role of the prefecture exports; a part of the span only.
    for (const r of roles) expect((await exportCsv(s(pref, r), c.id)).statusCode).toBe(200);
    expect(csvLines(await exportCsv(s(pref, 'reader'), c.id, TODAY, TODAY))).toEqual(all.filter((d) => d.date === TODAY).map(lineOf));
    expect(csvLines(await exportCsv(s(pref, 'reader'), c.id, START, '2026-03-08'))).toEqual([]);
  });

  it('a commune exports its own declarations only; other organisations get 404; the span is checked', async () => {
    const all = await declarations(c.id);
    for (const r of roles) {
      expect(csvLines(await exportCsv(s(vannes, r), c.id))).toEqual(all.filter((d) => d.inseeCode === '56260').map(lineOf));
      const dhis = JSON.parse((await exportDhis2(s(vannes, r), c.id)).body) as { dataValues: Array<{ orgUnit: string }> };
      expect(dhis.dataValues).toHaveLength(4);
      expect(new Set(dhis.dataValues.map((v) => v.orgUnit))).toEqual(new Set(['56260']));
    }
    expect(csvLines(await exportCsv(s(lorient, 'reader'), c.id))).toEqual(all.filter((d) => d.inseeCode === '56121').map(lineOf));
    for (const as of [s(rival, 'administrator'), s(montpellier, 'administrator')]) {
      expectError(await exportCsv(as, c.id), 'not_found');
      expectError(await exportDhis2(as, c.id), 'not_found');
    }
    expectError(await exportCsv(s(pref, 'reader'), crypto.randomUUID()), 'not_found');
    expectError(await exportCsv(null, c.id), 'unauthenticated');
    for (const [from, to] of [
      ['2025-03-08', TODAY],
      [TODAY, YESTERDAY],
    ]) {
      expectError(await exportCsv(s(pref, 'reader'), c.id, from, to), 'validation_failed');
      expectError(await exportDhis2(s(pref, 'reader'), c.id, from, to), 'validation_failed');
    }
    expect((await exportCsv(s(pref, 'reader'), c.id, '2025-03-09', TODAY)).statusCode).toBe(200);
    expectError(await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/export.csv?from=${START}`), 'validation_failed');
  });

  it('DHIS2: one data value per declaration and indicator; key, INSEE code, yyyyMMdd period, value as text', async () => {
    const res = await exportDhis2(s(pref, 'reader'), c.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="collecte-export-test-2026-03-01-2026-03-10\.dhis2\.json"/);
    const body = JSON.parse(res.body) as { dataValues: Array<Record<string, string>> };
    expect(Object.keys(body)).toEqual(['dataValues']);
    const all = await declarations(c.id);
    expect(body.dataValues).toEqual(
      all.flatMap((d) =>
        ['domicile', 'ehpad'].map((key) => ({
          dataElement: key,
          period: d.date.replace(/-/g, ''),
          orgUnit: d.inseeCode,
          value: String(d.values[key]),
          storedBy: d.updatedBy ?? d.declaredBy,
          lastUpdated: d.updatedAt,
          ...(d.version > 1 ? { comment: `version ${d.version}` } : {}),
        })),
      ),
    );
    expect(body.dataValues.find((v) => v.orgUnit === '56260' && v.period === '20260309' && v.dataElement === 'ehpad')).toMatchObject({
      value: '1',
      storedBy: vannes.users.administrator!.display_name,
      comment: 'version 2',
    });
    expect(body.dataValues.find((v) => v.orgUnit === '56121' && v.dataElement === 'domicile')).toMatchObject({ period: '20260309', value: '0' });

    // A weekly campaign: ISO weeks, across a year's end (Monday 29 December 2025 is in week 1 of 2026).
    const w = await createCampaign({ name: 'Hebdo (test)', period: 'weekly', startDate: '2025-12-22' });
    for (const d of ['2025-12-22', '2025-12-29', '2026-01-05', '2026-03-09']) await declare(s(pref, 'contributor'), w.id, '56260', d, { domicile: 1, ehpad: 2 });
    const weekly = JSON.parse((await exportDhis2(s(pref, 'reader'), w.id, '2025-12-01', TODAY)).body) as { dataValues: Array<Record<string, string>> };
    expect(weekly.dataValues.filter((v) => v.dataElement === 'ehpad').map((v) => [v.period, v.value])).toEqual([
      ['2025W52', '2'],
      ['2026W1', '2'],
      ['2026W2', '2'],
      ['2026W11', '2'],
    ]);
  });

  it('re-importing an export changes nothing (quoted names included)', async () => {
    const file = (await exportCsv(s(pref, 'reader'), c.id)).rawPayload;
    const before = await countRows(db());
    const res = await upload(s(pref, 'coordinator'), c.id, file, '', 'collecte-export.csv');
    expect(res.statusCode, res.body).toBe(201);
    expect(importResultSchema.parse(res.json())).toEqual({ campaignId: c.id, dryRun: false, lines: 4, created: 0, corrected: 0, unchanged: 4, communes: 3, from: YESTERDAY, to: TODAY });
    expect(await countRows(db())).toEqual(before);
  });
});

describe('import', () => {
  let c: CampaignDetail;
  let before: RowCounts;
  const H = 'date;code_insee;domicile;ehpad';
  const importAs = (file: string | Buffer, query = '') => upload(s(pref, 'coordinator'), c.id, file, query);
  beforeAll(async () => {
    t.services.now = () => MORNING;
    c = await createCampaign({ name: 'Reprise (test)' });
  });

  it('a valid file creates the declarations: one audit record, detection queued, one realtime message', async () => {
    const topic = topicOf('campaign', c.id);
    const ws = await WsClient.connect(port, s(pref, 'reader'));
    expect(await ws.subscribe(topic)).toMatchObject({ type: 'subscribed', topic });
    before = await countRows(db());
    const res = await importAs(`${H}\r\n2026-03-05;56260;1;0\r\n2026-03-06;56260;0;2\r\n2026-03-05;56121;0;0\r\n`);
    expect(res.statusCode, res.body).toBe(201);
    expect(importResultSchema.parse(res.json()) as ImportResult).toEqual({ campaignId: c.id, dryRun: false, lines: 3, created: 3, corrected: 0, unchanged: 0, communes: 2, from: '2026-03-05', to: '2026-03-06' });
    expect(await countRows(db())).toEqual({
      ...before,
      collection_declarations: before.collection_declarations + 3,
      audit_log: before.audit_log + 1,
      realtime_messages: before.realtime_messages + 1,
      collection_detection_queue: before.collection_detection_queue + 2,
    });
    const stored = await declarations(c.id);
    const byName = `${pref.users.coordinator!.display_name} (import CSV)`;
    expect(stored.map((d) => [d.date, d.inseeCode, d.values, d.version, d.declaredBy, d.updatedBy])).toEqual([
      ['2026-03-05', '56121', { domicile: 0, ehpad: 0 }, 1, byName, null],
      ['2026-03-05', '56260', { domicile: 1, ehpad: 0 }, 1, byName, null],
      ['2026-03-06', '56260', { domicile: 0, ehpad: 2 }, 1, byName, null],
    ]);
    const audit = await db().selectFrom('audit_log').select(['action', 'entity_type', 'organisation_id', 'actor_user_id', 'changes']).where('entity_id', '=', c.id).where('action', '=', 'declarations.imported').execute();
    expect(audit).toEqual([
      {
        action: 'declarations.imported',
        entity_type: 'campaign',
        organisation_id: pref.org.id,
        actor_user_id: pref.users.coordinator!.id,
        changes: { fileName: 'import.csv', lines: 3, created: 3, corrected: 0, unchanged: 0, from: '2026-03-05', to: '2026-03-06' },
      },
    ]);
    const queued = await db().selectFrom('collection_detection_queue').select(['insee_code']).select((eb) => eb.cast<string>('from_date', 'text').as('from_date')).where('campaign_id', '=', c.id).orderBy('insee_code').execute();
    expect(queued).toEqual([
      { insee_code: '56121', from_date: '2026-03-05' },
      { insee_code: '56260', from_date: '2026-03-05' },
    ]);
    const [msg] = await ws.messages(topic, 1);
    expect(msg.event).toEqual({ kind: 'declarations.imported', campaignId: c.id, count: 3, from: '2026-03-05', to: '2026-03-06' });
    await t.services.jobs.detection.flush();
    expect(await db().selectFrom('collection_detection_queue').select('insee_code').where('campaign_id', '=', c.id).execute()).toEqual([]);
    const detected = await db().selectFrom('collection_detection').select('area').where('campaign_id', '=', c.id).execute();
    expect(new Set(detected.map((d) => d.area))).toEqual(new Set(['56260', '56121', 'department']));
    const updated = await ws.next<Extract<ServerFrame, { type: 'message' }>>((f) => f.type === 'message' && f.topic === topic);
    expect(updated.event).toMatchObject({ kind: 'detection.updated', from: '2026-03-05' });
    await ws.close();
  });

  it('the same lines again change nothing; different values need a reason, then are corrections with history', async () => {
    before = await countRows(db());
    const again = await importAs(`${H}\n2026-03-05;56260;1;0\n2026-03-05;56121;0;0\n`);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ lines: 2, created: 0, corrected: 0, unchanged: 2 });
    expect(await countRows(db())).toEqual(before);

    // Line 3 differs from what is stored; line 4 is new: without a reason, nothing at all is written.
    const file = `${H}\n2026-03-05;56121;0;0\n2026-03-06;56260;0;3\n2026-03-07;56003;1;1\n`;
    const refused = issuesOf(await importAs(file));
    expect(refused).toEqual([{ line: 3, code: 'reason_required', message: expect.stringContaining('Vannes le 2026-03-06') }]);
    expect(refused[0].message).toContain('ehpad 2');
    expect(await countRows(db())).toEqual(before);

    const res = await importAs(file, `?reason=${encodeURIComponent('Recomptage des décès en EHPAD')}`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ campaignId: c.id, dryRun: false, lines: 3, created: 1, corrected: 1, unchanged: 1, communes: 3, from: '2026-03-05', to: '2026-03-07' });
    expect(await countRows(db())).toEqual({
      ...before,
      collection_declarations: before.collection_declarations + 1,
      collection_declaration_history: before.collection_declaration_history + 1,
      audit_log: before.audit_log + 1,
      realtime_messages: before.realtime_messages + 1,
      collection_detection_queue: before.collection_detection_queue + 2,
    });
    const byName = `${pref.users.coordinator!.display_name} (import CSV)`;
    const h = declarationHistorySchema.parse((await send(t.app, s(pref, 'reader'), 'GET', `/api/campaigns/${c.id}/declarations/56260/2026-03-06/history`)).json());
    expect(h.declaration).toMatchObject({ version: 2, values: { domicile: 0, ehpad: 3 }, updatedBy: byName });
    expect(h.corrections).toEqual([{ version: 2, at: expect.any(String), by: byName, oldValues: { domicile: 0, ehpad: 2 }, newValues: { domicile: 0, ehpad: 3 }, reason: 'Recomptage des décès en EHPAD' }]);
    const audit = await db().selectFrom('audit_log').select('changes').where('entity_id', '=', c.id).where('action', '=', 'declarations.imported').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.changes).toEqual({ fileName: 'import.csv', lines: 3, created: 1, corrected: 1, unchanged: 1, from: '2026-03-05', to: '2026-03-07', reason: 'Recomptage des décès en EHPAD' });
    // The correction is the same import sent again: nothing more.
    const twice = await importAs(file, '?reason=Encore');
    expect(twice.json()).toMatchObject({ created: 0, corrected: 0, unchanged: 3 });
    await t.services.jobs.detection.flush();
  });

  it('dryRun checks and counts, and writes nothing', async () => {
    before = await countRows(db());
    const file = `${H}\n2026-03-06;56260;0;4\n2026-03-08;56003;2;0\n2026-03-05;56121;0;0\n`;
    const dry = await importAs(file, '?dryRun=true&reason=Essai');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toEqual({ campaignId: c.id, dryRun: true, lines: 3, created: 1, corrected: 1, unchanged: 1, communes: 3, from: '2026-03-05', to: '2026-03-08' });
    expect(await countRows(db())).toEqual(before);
    expect((await declarations(c.id)).find((d) => d.inseeCode === '56260' && d.date === '2026-03-06')).toMatchObject({ version: 2, values: { ehpad: 3 } });
    // A dry run reports the same problems as the real one.
    expect(issuesOf(await importAs(file, '?dryRun=true'))).toEqual([issue(2, 'reason_required')]);
    expectError(await importAs(file, '?dryRun=oui'), 'validation_failed');
    expectError(await importAs(file, '?reason='), 'validation_failed');
    expectError(await importAs(file, '?motif=x'), 'validation_failed');
    expect(await countRows(db())).toEqual(before);
  });

  it('any bad line refuses the whole file with every problem listed by line and column; nothing is stored', async () => {
    before = await countRows(db());
    const OK = '2026-03-08;56003;0;0';
    const cases: Array<[string, unknown[]]> = [
      [`${H}\n${OK}\n2026-03-08;56260;-1;0`, [issue(3, 'not_an_integer', 'domicile')]],
      [`${H}\n${OK}\n2026-03-08;56260;1,5;0`, [issue(3, 'not_an_integer', 'domicile')]],
      [`${H}\n${OK}\n2026-03-08;56260;0;1.5`, [issue(3, 'not_an_integer', 'ehpad')]],
      [`${H}\n${OK}\n2026-03-08;56260;deux;0`, [issue(3, 'not_an_integer', 'domicile')]],
      [`${H}\n${OK}\n2026-03-08;56260;;0`, [issue(3, 'missing_value', 'domicile')]],
      [`${H}\n${OK}\n2026-03-08;56260;0;51`, [issue(3, 'too_big', 'ehpad')]],
      // Allaire is in the Morbihan but not asked; 99999 does not exist.
      [`${H}\n${OK}\n2026-03-08;56001;0;0`, [issue(3, 'unknown_commune', 'code_insee')]],
      [`${H}\n${OK}\n2026-03-08;99999;0;0`, [issue(3, 'unknown_commune', 'code_insee')]],
      [`${H}\n${OK}\n2026-02-28;56260;0;0`, [issue(3, 'before_start', 'date')]],
      [`${H}\n${OK}\n2026-03-11;56260;0;0`, [issue(3, 'in_future', 'date')]],
      [`${H}\n${OK}\n2026-02-30;56260;0;0`, [issue(3, 'invalid_date', 'date')]],
      [`${H}\n${OK}\n08/03;56260;0;0`, [issue(3, 'invalid_date', 'date')]],
      [`${H}\n${OK}\n${OK}`, [{ line: 3, code: 'duplicate_line', message: 'Arradon le 2026-03-08 : déjà à la ligne 2.' }]],
      // The same commune and day, written once as ISO and once the French way.
      [`${H}\n${OK}\n08/03/2026;56003;0;0`, [issue(3, 'duplicate_line')]],
      [`${H}\n${OK}\n2026-03-08;56260;0`, [issue(3, 'column_count')]],
      [`${H}\n${OK}\n2026-03-08;56260;0;0;0`, [issue(3, 'column_count')]],
      // Blank lines are skipped, line numbers stay the file's.
      [`${H}\n\n${OK}\n\n2026-03-08;56260;-2;0\n`, [issue(5, 'not_an_integer', 'domicile')]],
      // Several problems: all of them.
      [`${H}\n${OK}\n2026-03-08;56260;-1;x\n2026-03-09;56001;0;0\n2026-03-12;56121;0;0\n2026-03-09;56121;0;0`, [
        issue(3, 'not_an_integer', 'domicile'),
        issue(3, 'not_an_integer', 'ehpad'),
        issue(4, 'unknown_commune', 'code_insee'),
        issue(5, 'in_future', 'date'),
      ]],
      // The header.
      [`${H};hopital\n2026-03-08;56260;0;0;0`, [issue(1, 'unknown_column', 'hopital')]],
      ['date;code_insee;domicile\n2026-03-08;56260;0', [issue(1, 'missing_column', 'ehpad')]],
      ['code_insee;domicile;ehpad\n56260;0;0', [issue(1, 'missing_column', 'date')]],
      ['date;domicile;ehpad\n2026-03-08;0;0', [issue(1, 'missing_column', 'code_insee')]],
      [`${H};ehpad\n2026-03-08;56260;0;0;0`, [issue(1, 'duplicate_column', 'ehpad')]],
      [`${H}\n`, [issue(2, 'empty')]],
      ['', [issue(1, 'empty')]],
      [`${H}\n2026-03-08;"56260;0;0\n`, [issue(2, 'csv_syntax')]],
    ];
    for (const [file, expected] of cases) {
      const res = await importAs(file);
      expect(issuesOf(res), file).toEqual(expected);
      for (const i of issuesOf(res)) expect(i.message.length, file).toBeGreaterThan(10);
    }
    // A line with a problem stops nothing else from being checked, but nothing is written, not even the good lines.
    expect(await countRows(db())).toEqual(before);
    expect((await declarations(c.id)).filter((d) => d.date === '2026-03-08')).toEqual([]);
  });

  it('not a CSV, no file, not multipart, too large: refused with their own codes', async () => {
    before = await countRows(db());
    expect(issuesOf(await upload(s(pref, 'coordinator'), c.id, TINY_PNG, '', 'photo.png', 'image/png'))).toEqual([issue(1, 'not_csv')]);
    // The same bytes under a .csv name: it is the content that counts.
    expect(issuesOf(await upload(s(pref, 'coordinator'), c.id, TINY_PNG, '', 'import.csv', 'text/csv'))).toEqual([issue(1, 'not_csv')]);
    // A form with a field and no file.
    const boundary = '----vigienofile';
    const noFile = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nrien\r\n--${boundary}--\r\n`);
    expectError(await send(t.app, s(pref, 'coordinator'), 'POST', `/api/campaigns/${c.id}/import`, { raw: noFile, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }), 'file_required');
    expectError(await send(t.app, s(pref, 'coordinator'), 'POST', `/api/campaigns/${c.id}/import`, { json: { file: `${H}\n2026-03-08;56260;0;0` } }), 'unsupported_media_type');
    // More than 20 MiB.
    const line = '2026-03-08;56260;0;0\n';
    const huge = Buffer.from(`${H}\n${line.repeat(Math.ceil((20 * 1024 * 1024) / line.length) + 10)}`);
    expectError(await upload(s(pref, 'coordinator'), c.id, huge), 'file_too_large');
    expect(await countRows(db())).toEqual(before);
  });

  it('a Windows-1252 file from a spreadsheet (accents, dd/mm/yyyy dates, capitalised header, « , » separator) imports', async () => {
    const text = 'Date;Code_INSEE;Commune;Domicile;EHPAD\r\n02/03/2026;56260;Vannes – préfecture;1;0\r\n3/3/2026;56003;Arradon (côte d’Émeraude, 5 € œuvre);0;1\r\n';
    const bytes = cp1252(text);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const res = await importAs(bytes);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ lines: 2, created: 2, corrected: 0, unchanged: 0, communes: 2, from: '2026-03-02', to: '2026-03-03' });
    const stored = await declarations(c.id, '2026-03-02', '2026-03-03');
    expect(stored.map((d) => [d.date, d.inseeCode, d.values])).toEqual([
      ['2026-03-02', '56260', { domicile: 1, ehpad: 0 }],
      ['2026-03-03', '56003', { domicile: 0, ehpad: 1 }],
    ]);
    // Windows-1252's own characters (0x80–0x9F: ’ – € œ) are read as such: see them quoted back in a problem.
    const bad = issuesOf(await importAs(cp1252(`${H}\r\n08/03/2026;56260;trois–quatre’€œ;0\r\n`)));
    expect(bad).toEqual([issue(2, 'not_an_integer', 'domicile')]);
    expect(bad[0].message).toContain('« trois–quatre’€œ »');
    // A comma-separated file (the separator is found from the header).
    const comma = await importAs('date,code_insee,domicile,ehpad\n2026-03-04,56121,2,0\n');
    expect(comma.statusCode, comma.body).toBe(201);
    expect((await declarations(c.id, '2026-03-04', '2026-03-04')).map((d) => [d.inseeCode, d.values])).toEqual([['56121', { domicile: 2, ehpad: 0 }]]);
    await t.services.jobs.detection.flush();
  });

  it('who may import: the prefecture’s coordinators and administrators; a commune asked gets 403, any other organisation 404', async () => {
    const file = `${H}\n2026-03-01;56260;0;0\n`;
    before = await countRows(db());
    for (const r of ['contributor', 'reader'] as const) expectError(await upload(s(pref, r), c.id, file), 'forbidden');
    // A commune's administrator or coordinator holds campaigns.manage, but only the prefecture imports.
    for (const r of roles) expectError(await upload(s(vannes, r), c.id, file), 'forbidden');
    expectError(await upload(s(lorient, 'reader'), c.id, file), 'forbidden');
    expectError(await upload(s(montpellier, 'administrator'), c.id, file), 'not_found');
    expectError(await upload(s(rival, 'administrator'), c.id, file), 'not_found');
    expectError(await upload(s(pref, 'coordinator'), crypto.randomUUID(), file), 'not_found');
    const anonymous = multipartBody('file', 'import.csv', 'text/csv', Buffer.from(file));
    expectError(await send(t.app, null, 'POST', `/api/campaigns/${c.id}/import`, { raw: anonymous.payload, headers: anonymous.headers }), 'unauthenticated');
    expect(await countRows(db())).toEqual(before);
    for (const [r, insee] of [['coordinator', '56260'], ['administrator', '56121']] as const) {
      const ok = await upload(s(pref, r), c.id, `${H}\n2026-03-01;${insee};0;0\n`);
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ created: 1 });
    }
  });

  it('dates follow the campaign’s calendar: the Paris day, Mondays for a weekly campaign', async () => {
    const file = `${H}\n2026-03-11;56003;0;0\n`;
    expect(issuesOf(await importAs(file))).toEqual([issue(2, 'in_future', 'date')]);
    // 00:30 in Paris on 11 March (23:30 UTC on the 10th): the 11th is today.
    t.services.now = () => new Date('2026-03-10T23:30:00Z');
    const res = await importAs(file);
    expect(res.statusCode, res.body).toBe(201);
    t.services.now = () => MORNING;
    const w = await createCampaign({ name: 'Hebdo import (test)', period: 'weekly', startDate: '2026-02-02' });
    expect(issuesOf(await upload(s(pref, 'coordinator'), w.id, `${H}\n2026-03-02;56260;1;0\n2026-03-03;56260;1;0\n`))).toEqual([issue(3, 'not_monday', 'date')]);
    const weekly = await upload(s(pref, 'coordinator'), w.id, `${H}\n2026-03-02;56260;1;0\n09/02/2026;56260;2;0\n`);
    expect(weekly.statusCode, weekly.body).toBe(201);
    expect(weekly.json()).toMatchObject({ created: 2, from: '2026-02-09', to: '2026-03-02' });
  });

  it('a closed or draft campaign takes no import', async () => {
    const closed = await createCampaign({ name: 'Close (test)' });
    await send(t.app, s(pref, 'coordinator'), 'PATCH', `/api/campaigns/${closed.id}`, { json: { status: 'closed' } });
    const draft = await createCampaign({ name: 'Brouillon (test)', status: 'draft' });
    before = await countRows(db());
    for (const id of [closed.id, draft.id]) expectError(await upload(s(pref, 'coordinator'), id, `${H}\n2026-03-05;56260;0;0\n`), 'campaign_not_active');
    expect(await countRows(db())).toEqual(before);
  });
});

it('no request of this file got a 5xx answer', () => {
  expect(serverErrors).toEqual([]);
});
