import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import type { Completeness, Declaration, DeclarationHistory, PutDeclarationBody, UnusualValueDetail } from '../../../shared/schemas/collection';
import type { CampaignRow, IndicatorRow } from '../../db/schema';
import type { DeclarationViewRow } from './collection.repository';
import { auditInsert } from '../audit';
import { coversCommune, mayDeclare, type CampaignAccess } from './collection.policy';
import { presentDeclaration } from './collection.presenter';
import {
  communeContacts,
  completenessRows,
  declarationColumns,
  declarationTarget,
  findDeclaration,
  historyRows,
  indicatorsOf,
  isAsked,
  listDeclarationRows,
  recentHistory,
} from './collection.repository';
import { requireCampaign } from './campaigns.service';
import { queueDetectionInsert } from './detection.refresher';
import { daysBetween, dueOf, isoWeekday, isPast, parisDateTime } from './paris-time';

/** Longest period one list of declarations covers (a year of a whole department: ~91,000 rows at most). */
export const MAX_LIST_DAYS = 366;

/**
 * A value is unusual when it exceeds max(5, 3 × the commune's highest value for that indicator
 * over the 90 days before), once the commune has declared on at least 14 of those days. Below that
 * history, nothing is unusual: a new commune has no usual range yet.
 */
export const UNUSUAL_MIN_HISTORY_DAYS = 14;
export const UNUSUAL_FACTOR = 3;
export const UNUSUAL_FLOOR = 5;

type Detail = { path: string; code: string; message: string };

/** Where the caller may act on one commune of a campaign; "not found" for a commune that is not its own or not asked. */
async function requireCommune(db: Kysely<DB>, auth: AuthContext, id: string, inseeCode: string, lock: 'share' | null = null): Promise<{ campaign: CampaignRow; access: CampaignAccess }> {
  const r = await requireCampaign(db, auth, id, lock);
  if (!coversCommune(r.access, inseeCode) || !(await isAsked(db, id, inseeCode))) throw notFound();
  return r;
}

/** Values against the campaign's indicators: every one present, none unknown, each within its sanity bound. */
function checkValues(indicators: IndicatorRow[], values: Record<string, number>): void {
  const details: Detail[] = [];
  const keys = new Set(indicators.map((i) => i.key));
  for (const i of indicators) {
    const v = values[i.key];
    if (v === undefined) details.push({ path: `values.${i.key}`, code: 'missing_indicator', message: `Valeur manquante pour « ${i.label} » (0 si aucun).` });
    else if (v > i.max_value) details.push({ path: `values.${i.key}`, code: 'too_big', message: `« ${i.label} » : ${v} dépasse le maximum admis (${i.max_value}).` });
  }
  for (const k of Object.keys(values)) {
    if (!keys.has(k)) details.push({ path: `values.${k}`, code: 'unknown_indicator', message: `Indicateur inconnu dans cette campagne : « ${k} ».` });
  }
  if (details.length) throw new AppError('validation_failed', details);
}

function checkDate(campaign: CampaignRow, date: string, now: Date): void {
  const today = parisDateTime(now).date;
  const problems: Detail[] = [];
  if (date < campaign.start_date) problems.push({ path: 'date', code: 'before_start', message: `La campagne commence le ${campaign.start_date}.` });
  if (date > today) problems.push({ path: 'date', code: 'in_future', message: 'Cette date est dans le futur (heure de Paris).' });
  if (campaign.period === 'weekly' && isoWeekday(date) !== 1) problems.push({ path: 'date', code: 'not_monday', message: 'Campagne hebdomadaire : la date est le lundi de la semaine.' });
  if (problems.length) throw new AppError('invalid_period_date', problems);
}

const sameValues = (a: Record<string, number>, b: Record<string, number>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/** Canonical order (the campaign's), so that stored values read the same whatever the client sent. */
function ordered(indicators: IndicatorRow[], values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(indicators.map((i) => [i.key, values[i.key]]));
}

/**
 * The indicators of a campaign. Once a campaign has left the draft its indicators never change
 * (campaigns.service refuses it), so they are kept in memory: a declaration saves a round trip.
 */
const indicatorCache = new Map<string, IndicatorRow[]>();
async function campaignIndicators(db: Kysely<DB>, campaign: Pick<CampaignRow, 'id' | 'status'>): Promise<IndicatorRow[]> {
  if (campaign.status === 'draft') return indicatorsOf(db, [campaign.id]);
  let list = indicatorCache.get(campaign.id);
  if (!list) {
    list = await indicatorsOf(db, [campaign.id]);
    if (indicatorCache.size >= 1000) indicatorCache.clear();
    indicatorCache.set(campaign.id, list);
  }
  return list;
}

/**
 * Submits or corrects the declaration of one commune for one date. The same values again change
 * nothing (same version: a repeated submit is harmless); other values on an existing declaration
 * are a correction, which needs a reason and is kept in the history. Data, history, audit,
 * detection queue and realtime message are written in one transaction, in as few statements as
 * possible: 250 communes declare within the same minute.
 */
export async function putDeclaration(
  services: Services,
  auth: AuthContext,
  actor: Actor,
  p: { id: string; inseeCode: string; date: string },
  body: PutDeclarationBody,
): Promise<{ declaration: Declaration; created: boolean }> {
  const result = await services.db.transaction().execute(async (tx) => {
    // The campaign row is shared-locked: declarations go on together, a status change waits.
    const target = await declarationTarget(tx, p.id, p.inseeCode);
    if (!target || !mayDeclare(auth, target, p.inseeCode)) throw notFound();
    const campaign = target;
    if (campaign.status !== 'active') throw new AppError('campaign_not_active');
    checkDate(campaign, p.date, services.now());
    const indicators = await campaignIndicators(tx, campaign);
    checkValues(indicators, body.values);
    const values = ordered(indicators, body.values);
    const communeName = target.commune_name ?? p.inseeCode;
    // No value above the floor can be unusual: the commune's history is not even read.
    const mayBeUnusual = indicators.some((i) => values[i.key] > UNUSUAL_FLOOR) && body.confirmUnusual !== true;

    const checkUnusual = async () => {
      if (!mayBeUnusual) return;
      const history = await recentHistory(tx, campaign.id, p.inseeCode, p.date);
      if (history.days < UNUSUAL_MIN_HISTORY_DAYS) return;
      const unusual: UnusualValueDetail[] = [];
      for (const i of indicators) {
        const usualMax = history.max[i.key] ?? 0;
        const limit = Math.max(UNUSUAL_FLOOR, UNUSUAL_FACTOR * usualMax);
        if (values[i.key] > limit) unusual.push({ indicator: i.key, label: i.label, value: values[i.key], usualMax, limit, historyDays: history.days });
      }
      if (unusual.length) throw new AppError('unusual_value', unusual);
    };
    const insert = () =>
      tx
        .insertInto('collection_declarations')
        .values({
          campaign_id: campaign.id,
          insee_code: p.inseeCode,
          period_date: p.date,
          values: JSON.stringify(values),
          organisation_id: auth.user.organisationId,
          declared_by: auth.user.id,
          declared_by_name: auth.user.displayName,
          updated_by_name: null,
        })
        // Two first submissions at once meet on the unique key: the second one then follows the
        // path of an existing declaration (idempotent, or a correction).
        .onConflict((oc) => oc.columns(['campaign_id', 'insee_code', 'period_date']).doNothing())
        .returning(declarationColumns)
        .executeTakeFirst();

    let existing: DeclarationViewRow | undefined;
    let row: DeclarationViewRow | undefined;
    if (mayBeUnusual) {
      // The unusual check comes after "same values" (a repeated submit stays harmless) and "reason".
      existing = await findDeclaration(tx, campaign.id, p.inseeCode, p.date, true);
      if (existing && sameValues(existing.values, values)) return { declaration: presentDeclaration(existing), created: false, changed: false };
      if (existing && !body.reason) throw new AppError('reason_required');
      await checkUnusual();
    }
    if (!existing) {
      const inserted = await insert();
      if (inserted) row = { ...inserted, commune_name: communeName };
      else existing = (await findDeclaration(tx, campaign.id, p.inseeCode, p.date, true))!;
    }
    const created = row !== undefined;
    if (existing) {
      if (sameValues(existing.values, values)) return { declaration: presentDeclaration(existing), created: false, changed: false };
      if (!body.reason) throw new AppError('reason_required');
      const version = existing.version + 1;
      const updated = await tx
        .updateTable('collection_declarations')
        .set({ values: JSON.stringify(values), version, updated_by: auth.user.id, updated_by_name: auth.user.displayName, updated_at: sql`now()` })
        .where('id', '=', existing.id)
        .returning(declarationColumns)
        .executeTakeFirstOrThrow();
      row = { ...updated, commune_name: communeName };
      await tx
        .insertInto('collection_declaration_history')
        .values({
          declaration_id: existing.id,
          version,
          user_id: auth.user.id,
          user_name: auth.user.displayName,
          organisation_id: auth.user.organisationId,
          old_values: JSON.stringify(existing.values),
          new_values: JSON.stringify(values),
          reason: body.reason,
        })
        .execute();
    }
    const declaration = presentDeclaration(row!);
    const audit = {
      action: created ? 'declaration.submitted' : 'declaration.corrected',
      entityType: 'declaration',
      entityId: row!.id,
      changes: {
        campaignId: campaign.id,
        inseeCode: p.inseeCode,
        date: p.date,
        version: row!.version,
        ...(existing ? { from: existing.values, to: values, reason: body.reason } : { values }),
        ...(body.confirmUnusual ? { confirmUnusual: true } : {}),
      },
    };
    // Read by the administrators of the prefecture that runs the campaign, and of the declaring commune.
    const readers = [campaign.organisation_id, ...(auth.user.organisationId !== campaign.organisation_id ? [auth.user.organisationId] : [])];
    // Last, and in one round trip: the audit, the detection queue and the realtime message (the
    // campaign's sequence is a row every declaration of the campaign updates, held until commit).
    await services.realtime.publish(tx, topicOf('campaign', campaign.id), { kind: 'declaration.saved', declaration, correction: !created }, [
      auditInsert(tx, actor, readers.map((organisationId) => ({ ...audit, organisationId }))),
      queueDetectionInsert(tx, campaign.id, [{ inseeCode: p.inseeCode, fromDate: p.date }]),
    ]);
    return { declaration, created, changed: true };
  });
  if (result.changed) {
    services.caches.overview.invalidate(p.id);
    services.jobs.detection.kick();
  }
  return { declaration: result.declaration, created: result.created };
}

/** A span of dates in order, a year at most (lists, totals, exports). */
export function checkSpan(from: string, to: string): void {
  if (from > to) throw new AppError('validation_failed', [{ path: 'to', code: 'invalid_range', message: 'La fin de la période précède son début.' }]);
  if (daysBetween(from, to) > MAX_LIST_DAYS) {
    throw new AppError('validation_failed', [{ path: 'to', code: 'range_too_long', message: `Période trop longue (${MAX_LIST_DAYS} jours au plus).` }]);
  }
}

export async function listDeclarations(services: Services, auth: AuthContext, id: string, q: { from: string; to: string; inseeCode?: string }): Promise<Declaration[]> {
  const { access } = await requireCampaign(services.db, auth, id);
  checkSpan(q.from, q.to);
  // A commune reads its own commune only, whatever it asks for.
  const inseeCode = access.kind === 'commune' ? access.inseeCode : q.inseeCode;
  if (access.kind === 'commune' && q.inseeCode && q.inseeCode !== access.inseeCode) return [];
  const rows = await listDeclarationRows(services.db, id, q.from, q.to, inseeCode);
  return rows.map(presentDeclaration);
}

export async function declarationHistory(services: Services, auth: AuthContext, p: { id: string; inseeCode: string; date: string }): Promise<DeclarationHistory> {
  await requireCommune(services.db, auth, p.id, p.inseeCode);
  const row = await findDeclaration(services.db, p.id, p.inseeCode, p.date);
  if (!row) throw notFound();
  const corrections = await historyRows(services.db, row.id);
  return {
    declaration: presentDeclaration(row),
    corrections: corrections.map((h) => ({ version: h.version, at: h.at.toISOString(), by: h.user_name, oldValues: h.old_values, newValues: h.new_values, reason: h.reason })),
  };
}

/** Who answered for a date, who is missing, who is late (missing after that period's local deadline). Prefecture only. */
export async function completeness(services: Services, auth: AuthContext, id: string, date: string): Promise<Completeness> {
  const { campaign, access } = await requireCampaign(services.db, auth, id);
  if (access.kind !== 'owner') throw new AppError('prefecture_only');
  const due = dueOf(campaign.period, date, campaign.deadline);
  const passed = isPast(due, services.now());
  const rows = await completenessRows(services.db, id, date);
  const indicators = await indicatorsOf(services.db, [id]);
  const valueTotals: Record<string, number> = Object.fromEntries(indicators.map((i) => [i.key, 0]));
  const communes = rows.map((r) => {
    if (r.values) for (const [k, v] of Object.entries(r.values)) valueTotals[k] = (valueTotals[k] ?? 0) + v;
    const status = r.declared_at ? ('answered' as const) : passed ? ('late' as const) : ('missing' as const);
    return { inseeCode: r.insee_code, name: r.name, population: r.population, status, declaredAt: r.declared_at ? r.declared_at.toISOString() : null };
  });
  const late = communes.filter((c) => c.status === 'late');
  const contacts = await communeContacts(services.db, late.map((c) => c.inseeCode));
  const answered = communes.filter((c) => c.status === 'answered').length;
  return {
    campaignId: id,
    date,
    deadline: `${due.date} ${due.time}`,
    deadlinePassed: passed,
    totals: { asked: communes.length, answered, missing: communes.length - answered, late: late.length },
    valueTotals,
    communes,
    late: late.map((c) => {
      const people = contacts.get(c.inseeCode) ?? [];
      return { inseeCode: c.inseeCode, name: c.name, contacts: people.map((p) => p.email), people };
    }),
  };
}

export { requireCommune };
