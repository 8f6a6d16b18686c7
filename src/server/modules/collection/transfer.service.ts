// Interoperability of the collection: CSV export (one line per commune and date, one column per
// indicator key, re-importable), DHIS2 dataValueSets JSON, and the CSV import that back-fills
// history — all or nothing, every problem reported with its line.

import { sql } from 'kysely';
import type { MultipartFile } from '@fastify/multipart';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import {
  COLLECTION_CSV_COLUMNS,
  COLLECTION_CSV_INFO_COLUMNS,
  type ImportIssue,
  type ImportResult,
} from '../../../shared/schemas/collection';
import { recordAudit } from '../audit';
import { listDeclarationRows, communesOf, findCampaign, indicatorsOf } from './collection.repository';
import { requireCampaign } from './campaigns.service';
import { checkSpan } from './declarations.service';
import { queueDetection } from './detection.refresher';
import { csvDocument, parseCsv, parseDateCell, readUpload, slug } from '../../lib/csv';
import { isoWeekday, parisDateTime } from './paris-time';

/** Largest CSV accepted for an import: a year of a department, daily, with room to spare. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Problems listed at most in one answer (the count says how many there were). */
const MAX_ISSUES = 200;

async function exportRows(services: Services, auth: AuthContext, id: string, q: { from: string; to: string }) {
  const { campaign, access } = await requireCampaign(services.db, auth, id);
  checkSpan(q.from, q.to);
  const indicators = await indicatorsOf(services.db, [id]);
  // A commune exports its own declarations only.
  const rows = await listDeclarationRows(services.db, id, q.from, q.to, access.kind === 'commune' ? access.inseeCode : undefined);
  return { campaign, indicators, rows };
}

export async function exportCsv(services: Services, auth: AuthContext, id: string, q: { from: string; to: string }): Promise<{ fileName: string; body: string }> {
  const { campaign, indicators, rows } = await exportRows(services, auth, id, q);
  const keys = indicators.map((i) => i.key);
  const lines: Array<Array<string | number | null>> = [[...COLLECTION_CSV_COLUMNS, ...keys, ...COLLECTION_CSV_INFO_COLUMNS]];
  for (const r of rows) {
    lines.push([
      r.period_date,
      r.insee_code,
      r.commune_name,
      ...keys.map((k) => r.values[k] ?? null),
      keys.reduce((s, k) => s + (r.values[k] ?? 0), 0),
      r.version,
      r.declared_by_name,
      r.declared_at.toISOString(),
      r.updated_by_name,
      r.version > 1 ? r.updated_at.toISOString() : null,
    ]);
  }
  return { fileName: `collecte-${slug(campaign.name)}-${q.from}-${q.to}.csv`, body: csvDocument(lines) };
}

/** DHIS2's period of a date: `yyyyMMdd` (daily), ISO week `yyyyWn` (weekly). */
export function dhis2Period(date: string, period: 'daily' | 'weekly'): string {
  if (period === 'daily') return date.replace(/-/g, '');
  // ISO week: the week of the Thursday of this (Monday) date.
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}W${week}`;
}

/**
 * DHIS2 `dataValueSets` (import with dataElementIdScheme=CODE and orgUnitIdScheme=CODE): one data
 * value per declaration and indicator; data element = the indicator's key, orgUnit = INSEE code.
 */
export async function exportDhis2(services: Services, auth: AuthContext, id: string, q: { from: string; to: string }): Promise<{ fileName: string; body: string }> {
  const { campaign, indicators, rows } = await exportRows(services, auth, id, q);
  const dataValues = rows.flatMap((r) =>
    indicators.map((i) => ({
      dataElement: i.key,
      period: dhis2Period(r.period_date, campaign.period),
      orgUnit: r.insee_code,
      value: String(r.values[i.key] ?? 0),
      storedBy: r.updated_by_name ?? r.declared_by_name,
      lastUpdated: r.updated_at.toISOString(),
      ...(r.version > 1 ? { comment: `version ${r.version}` } : {}),
    })),
  );
  return { fileName: `collecte-${slug(campaign.name)}-${q.from}-${q.to}.dhis2.json`, body: JSON.stringify({ dataValues }, null, 1) };
}

interface ParsedLine {
  line: number;
  date: string;
  inseeCode: string;
  values: Record<string, number>;
}

/**
 * Imports a CSV of declarations (the export's shape). Every line is checked first — commune asked,
 * date in the campaign and not in the future, a non-negative integer within bounds for every
 * indicator, no line twice — and against what is stored: a line equal to a declaration changes
 * nothing; a different one is a correction, which needs `reason`. One problem anywhere and nothing
 * is written; otherwise everything is written in one transaction (history, audit, detection queue).
 */
export async function importDeclarations(
  services: Services,
  auth: AuthContext,
  actor: Actor,
  id: string,
  q: { reason?: string; dryRun?: boolean },
  file: MultipartFile | undefined,
): Promise<ImportResult> {
  const { campaign, access } = await requireCampaign(services.db, auth, id);
  if (access.kind !== 'owner') throw new AppError('forbidden');
  if (campaign.status !== 'active') throw new AppError('campaign_not_active');
  const upload = await readUpload(file, IMPORT_MAX_BYTES);
  const table = parseCsv(upload.data);
  const indicators = await indicatorsOf(services.db, [id]);
  const asked = new Map((await communesOf(services.db, id)).map((c) => [c.insee_code, c.name]));
  const issues: ImportIssue[] = [];
  const issue = (i: ImportIssue) => issues.push(i);

  // Header: date, code_insee and every indicator key; the export's other columns are allowed.
  const known = new Set<string>([...COLLECTION_CSV_COLUMNS, ...COLLECTION_CSV_INFO_COLUMNS, ...indicators.map((i) => i.key)]);
  const col = new Map(table.header.map((h, i) => [h, i]));
  for (const required of ['date', 'code_insee', ...indicators.map((i) => i.key)]) {
    if (!col.has(required)) issue({ line: 1, column: required, code: 'missing_column', message: `Colonne « ${required} » absente de l’en-tête.` });
  }
  table.header.forEach((h, i) => {
    if (!known.has(h)) issue({ line: 1, column: h || `n° ${i + 1}`, code: 'unknown_column', message: `Colonne inconnue « ${h} » : les colonnes d’indicateurs sont ${indicators.map((x) => x.key).join(', ')}.` });
    else if (table.header.indexOf(h) !== i) issue({ line: 1, column: h, code: 'duplicate_column', message: `Colonne « ${h} » en double.` });
  });
  if (issues.length) throw new AppError('import_invalid', issues);
  if (table.rows.length === 0) throw new AppError('import_invalid', [{ line: 2, code: 'empty', message: 'Aucune ligne de données après l’en-tête.' }]);

  const today = parisDateTime(services.now()).date;
  const seen = new Map<string, number>();
  const parsed: ParsedLine[] = [];
  for (const { line, cells } of table.rows) {
    if (issues.length >= MAX_ISSUES) break;
    if (cells.length !== table.header.length) {
      issue({ line, code: 'column_count', message: `${cells.length} valeurs pour ${table.header.length} colonnes.` });
      continue;
    }
    const cell = (name: string) => cells[col.get(name)!] ?? '';
    const before = issues.length;
    const date = parseDateCell(cell('date'));
    if (!date) issue({ line, column: 'date', code: 'invalid_date', message: `Date invalide « ${cell('date')} » (AAAA-MM-JJ ou JJ/MM/AAAA).` });
    else if (date < campaign.start_date) issue({ line, column: 'date', code: 'before_start', message: `${date} : avant le début de la campagne (${campaign.start_date}).` });
    else if (date > today) issue({ line, column: 'date', code: 'in_future', message: `${date} : date dans le futur.` });
    else if (campaign.period === 'weekly' && isoWeekday(date) !== 1) issue({ line, column: 'date', code: 'not_monday', message: `${date} : campagne hebdomadaire, la date est le lundi de la semaine.` });
    const insee = cell('code_insee').padStart(5, '0');
    if (!asked.has(insee)) issue({ line, column: 'code_insee', code: 'unknown_commune', message: `Commune « ${cell('code_insee')} » non interrogée par cette campagne.` });
    const values: Record<string, number> = {};
    for (const ind of indicators) {
      const raw = cell(ind.key).replace(/\s/g, '');
      if (raw === '') issue({ line, column: ind.key, code: 'missing_value', message: `« ${ind.label} » vide : 0 s’il n’y a rien, jamais vide.` });
      else if (!/^\d+$/.test(raw)) issue({ line, column: ind.key, code: 'not_an_integer', message: `« ${ind.label} » : « ${cell(ind.key)} » n’est pas un nombre entier positif ou nul.` });
      else if (Number(raw) > ind.max_value) issue({ line, column: ind.key, code: 'too_big', message: `« ${ind.label} » : ${raw} dépasse le maximum admis (${ind.max_value}).` });
      else values[ind.key] = Number(raw);
    }
    if (issues.length > before || !date) continue;
    const key = `${insee}|${date}`;
    const other = seen.get(key);
    if (other !== undefined) {
      issue({ line, code: 'duplicate_line', message: `${asked.get(insee)} le ${date} : déjà à la ligne ${other}.` });
      continue;
    }
    seen.set(key, line);
    parsed.push({ line, date, inseeCode: insee, values });
  }
  if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES));

  const dates = parsed.map((p) => p.date).sort();
  const from = dates[0];
  const to = dates[dates.length - 1];
  const run = async (tx: typeof services.db) => {
    // The campaign is locked for the import: declarations of the same moment wait for it, and the
    // comparison with what is stored holds until the commit.
    const locked = await findCampaign(tx, id, 'update');
    if (!locked || locked.status !== 'active') throw new AppError('campaign_not_active');
    const existing = await sql<{ id: string; insee_code: string; date: string; values: Record<string, number>; version: number }>`
      SELECT id, insee_code, period_date::text AS date, "values", version FROM collection_declarations
      WHERE campaign_id = ${id} AND period_date BETWEEN ${from}::date AND ${to}::date`.execute(tx);
    const stored = new Map(existing.rows.map((r) => [`${r.insee_code}|${r.date}`, r]));
    const toCreate: ParsedLine[] = [];
    const toCorrect: Array<ParsedLine & { row: (typeof existing.rows)[number] }> = [];
    let unchanged = 0;
    for (const p of parsed) {
      const row = stored.get(`${p.inseeCode}|${p.date}`);
      if (!row) toCreate.push(p);
      else if (indicators.every((i) => row.values[i.key] === p.values[i.key]) && Object.keys(row.values).length === indicators.length) unchanged++;
      else if (!q.reason) {
        issue({
          line: p.line,
          code: 'reason_required',
          message: `${asked.get(p.inseeCode)} le ${p.date} : déjà déclarée avec d’autres valeurs (${indicators.map((i) => `${i.key} ${row.values[i.key] ?? '—'}`).join(', ')}) ; indiquez un motif de correction pour la remplacer.`,
        });
      } else toCorrect.push({ ...p, row });
    }
    if (issues.length) throw new AppError('import_invalid', issues.slice(0, MAX_ISSUES));
    const result: ImportResult = {
      campaignId: id,
      dryRun: q.dryRun === true,
      lines: parsed.length,
      created: toCreate.length,
      corrected: toCorrect.length,
      unchanged,
      communes: new Set(parsed.map((p) => p.inseeCode)).size,
      from,
      to,
    };
    if (q.dryRun || toCreate.length + toCorrect.length === 0) return result;

    const byName = `${auth.user.displayName} (import CSV)`;
    const ordered = (v: Record<string, number>) => JSON.stringify(Object.fromEntries(indicators.map((i) => [i.key, v[i.key]])));
    for (let i = 0; i < toCreate.length; i += 500) {
      await tx
        .insertInto('collection_declarations')
        .values(
          toCreate.slice(i, i + 500).map((p) => ({
            campaign_id: id,
            insee_code: p.inseeCode,
            period_date: p.date,
            values: ordered(p.values),
            organisation_id: auth.user.organisationId,
            declared_by: auth.user.id,
            declared_by_name: byName,
          })),
        )
        .execute();
    }
    for (const c of toCorrect) {
      await tx
        .updateTable('collection_declarations')
        .set({ values: ordered(c.values), version: c.row.version + 1, updated_by: auth.user.id, updated_by_name: byName, updated_at: sql`now()` })
        .where('id', '=', c.row.id)
        .execute();
    }
    for (let i = 0; i < toCorrect.length; i += 500) {
      await tx
        .insertInto('collection_declaration_history')
        .values(
          toCorrect.slice(i, i + 500).map((c) => ({
            declaration_id: c.row.id,
            version: c.row.version + 1,
            user_id: auth.user.id,
            user_name: byName,
            organisation_id: auth.user.organisationId,
            old_values: JSON.stringify(c.row.values),
            new_values: ordered(c.values),
            reason: q.reason!,
          })),
        )
        .execute();
    }
    await recordAudit(tx, actor, {
      action: 'declarations.imported',
      entityType: 'campaign',
      entityId: id,
      organisationId: campaign.organisation_id,
      changes: { fileName: upload.name, lines: parsed.length, created: toCreate.length, corrected: toCorrect.length, unchanged, from, to, ...(q.reason ? { reason: q.reason } : {}) },
    });
    const changed = [...toCreate, ...toCorrect];
    await queueDetection(tx, id, changed.map((p) => ({ inseeCode: p.inseeCode, fromDate: p.date })));
    const changedDates = changed.map((p) => p.date).sort();
    await services.realtime.publish(tx, topicOf('campaign', id), {
      kind: 'declarations.imported',
      campaignId: id,
      count: changed.length,
      from: changedDates[0],
      to: changedDates[changedDates.length - 1],
    });
    return result;
  };
  const result = await services.db.transaction().execute(run);
  if (!result.dryRun && result.created + result.corrected > 0) {
    services.caches.overview.invalidate(id);
    services.jobs.detection.kick();
  }
  return result;
}

