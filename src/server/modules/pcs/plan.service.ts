import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { can } from '../../../shared/permissions';
import { topicOf } from '../../../shared/realtime';
import type { Directory, PlanOverview, ReflexSheet, Risk, Site } from '../../../shared/schemas/pcs';
import { recordAudit } from '../audit';

/** The legal rhythm (CSI R731-10 as amended by décret 2022-907): revised and exercised at least every five years. */
export const UPKEEP_YEARS = 5;
/** A reminder shows this many months before a five-year limit. */
export const UPKEEP_WARNING_MONTHS = 6;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function addYears(day: string, years: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return isoDay(d);
}

/** Reminders for one of the two limits, as of `today` (YYYY-MM-DD). */
export function upkeepReminder(kind: 'revision' | 'exercise', last: string | null, today: string): PlanOverview['reminders'][number] | null {
  const what = kind === 'revision' ? 'La révision du plan' : 'L’exercice du plan';
  const frDate = (day: string) => new Date(`${day}T12:00:00Z`).toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  if (!last) {
    return { kind, level: 'missing', message: kind === 'revision' ? 'Aucune date de révision du plan enregistrée.' : 'Aucun exercice du plan enregistré.' };
  }
  const due = addYears(last, UPKEEP_YEARS);
  if (due < today) return { kind, level: 'overdue', message: `${what} est en retard : l’échéance de cinq ans était le ${frDate(due)}.` };
  const warnFrom = new Date(`${due}T00:00:00Z`);
  warnFrom.setUTCMonth(warnFrom.getUTCMonth() - UPKEEP_WARNING_MONTHS);
  if (isoDay(warnFrom) <= today) return { kind, level: 'soon', message: `${what} arrive à échéance le ${frDate(due)} (cinq ans).` };
  return null;
}

async function upkeepDates(db: Kysely<DB>, organisationId: string) {
  const r = await db
    .selectFrom('pcs_plans')
    .select([sql<string | null>`to_char(last_revision_on, 'YYYY-MM-DD')`.as('revision'), sql<string | null>`to_char(last_exercise_on, 'YYYY-MM-DD')`.as('exercise')])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return { revision: r?.revision ?? null, exercise: r?.exercise ?? null };
}

export async function planOverview(services: Services, auth: AuthContext): Promise<PlanOverview> {
  const org = auth.user.organisationId;
  const [dates, counts, today] = await Promise.all([
    upkeepDates(services.db, org),
    sql<{ risks: number; sheets: number; contacts: number; alert_means: number; resources: number; sites: number }>`
      SELECT (SELECT count(*)::int FROM pcs_risks WHERE organisation_id = ${org} AND NOT archived) AS risks,
             (SELECT count(*)::int FROM pcs_reflex_sheets WHERE organisation_id = ${org} AND NOT archived) AS sheets,
             (SELECT count(*)::int FROM pcs_contacts WHERE organisation_id = ${org} AND NOT archived) AS contacts,
             (SELECT count(*)::int FROM pcs_alert_means WHERE organisation_id = ${org} AND NOT archived) AS alert_means,
             (SELECT count(*)::int FROM resources WHERE organisation_id = ${org} AND NOT archived) AS resources,
             (SELECT count(*)::int FROM pcs_sites WHERE organisation_id = ${org} AND NOT archived) AS sites`.execute(services.db),
    sql<{ today: string }>`SELECT to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS today`.execute(services.db),
  ]);
  const day = today.rows[0]!.today;
  const c = counts.rows[0]!;
  return {
    lastRevisionOn: dates.revision,
    lastExerciseOn: dates.exercise,
    revisionDueOn: dates.revision ? addYears(dates.revision, UPKEEP_YEARS) : null,
    exerciseDueOn: dates.exercise ? addYears(dates.exercise, UPKEEP_YEARS) : null,
    reminders: [upkeepReminder('revision', dates.revision, day), upkeepReminder('exercise', dates.exercise, day)].filter((r) => r !== null),
    counts: { risks: c.risks, sheets: c.sheets, contacts: c.contacts, alertMeans: c.alert_means, resources: c.resources, sites: c.sites },
    vulnerableAccess: !auth.guest && can(auth.user.role, 'vulnerable.access'),
    canManage: !auth.guest && can(auth.user.role, 'plan.manage'),
  };
}

/** Writes the upkeep dates (in a transaction of the caller, or its own). */
export async function writeUpkeep(tx: Kysely<DB>, org: string, byName: string, actor: Actor, body: { lastRevisionOn?: string | null; lastExerciseOn?: string | null }): Promise<void> {
  const before = await upkeepDates(tx, org);
  const set: { last_revision_on?: string | null; last_exercise_on?: string | null } = {};
  if (body.lastRevisionOn !== undefined) set.last_revision_on = body.lastRevisionOn;
  if (body.lastExerciseOn !== undefined) set.last_exercise_on = body.lastExerciseOn;
  await tx
    .insertInto('pcs_plans')
    .values({ organisation_id: org, ...set, updated_by_name: byName })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ ...set, updated_at: sql`now()`, updated_by_name: byName }))
    .execute();
  await recordAudit(tx, actor, {
    action: 'plan.upkeep_updated',
    entityType: 'plan',
    entityId: org,
    organisationId: org,
    changes: {
      ...(body.lastRevisionOn !== undefined ? { lastRevisionOn: { from: before.revision, to: body.lastRevisionOn } } : {}),
      ...(body.lastExerciseOn !== undefined ? { lastExerciseOn: { from: before.exercise, to: body.lastExerciseOn } } : {}),
    },
  });
}

export async function updateUpkeep(services: Services, auth: AuthContext, actor: Actor, body: { lastRevisionOn?: string | null; lastExerciseOn?: string | null }): Promise<PlanOverview> {
  await services.db.transaction().execute(async (tx) => {
    await writeUpkeep(tx, auth.user.organisationId, auth.user.displayName, actor, body);
    await services.realtime.publish(tx, topicOf('organisation', auth.user.organisationId), { kind: 'plan.changed', part: 'upkeep' });
  });
  return planOverview(services, auth);
}

export function sheetsQuery(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('pcs_reflex_sheets as s')
    .innerJoin('crisis_functions as f', 'f.id', 's.function_id')
    .select(['s.id', 's.risk_id', 's.title', 's.function_id', 's.steps', 'f.name as function_name'])
    .where('s.organisation_id', '=', organisationId)
    .where('s.archived', '=', false)
    .orderBy('s.position')
    .orderBy(sql`lower(s.title)`);
}

export const presentSheet = (s: { id: string; risk_id: string; title: string; function_id: string; function_name: string; steps: string[] }): ReflexSheet => ({
  id: s.id,
  riskId: s.risk_id,
  title: s.title,
  functionId: s.function_id,
  functionName: s.function_name,
  steps: s.steps,
});

export async function listRisks(services: Services, auth: AuthContext): Promise<Risk[]> {
  const org = auth.user.organisationId;
  const [risks, sheets] = await Promise.all([
    services.db.selectFrom('pcs_risks').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy('position').orderBy(sql`lower(name)`).execute(),
    sheetsQuery(services.db, org).execute(),
  ]);
  return risks.map((r) => ({ id: r.id, name: r.name, description: r.description, sheets: sheets.filter((s) => s.risk_id === r.id).map(presentSheet) }));
}

export async function getDirectory(services: Services, auth: AuthContext): Promise<Directory> {
  const org = auth.user.organisationId;
  const [contacts, oncall, means] = await Promise.all([
    services.db
      .selectFrom('pcs_contacts as c')
      .selectAll('c')
      .select(sql<string[]>`coalesce((SELECT array_agg(s.line ORDER BY s.line) FROM pcs_oncall_shifts s WHERE s.contact_id = c.id AND s.starts_at <= now() AND s.ends_at > now()), '{}')`.as('on_call_now'))
      .where('c.organisation_id', '=', org)
      .where('c.archived', '=', false)
      .orderBy(sql`lower(c.name)`)
      .execute(),
    services.db
      .selectFrom('pcs_oncall_shifts as s')
      .innerJoin('pcs_contacts as c', 'c.id', 's.contact_id')
      .select(['s.id', 's.contact_id', 'c.name', 'c.phone', 's.line', 's.starts_at', 's.ends_at'])
      .where('s.organisation_id', '=', org)
      .where('s.ends_at', '>', sql<Date>`now()`)
      .orderBy('s.starts_at')
      .limit(200)
      .execute(),
    services.db.selectFrom('pcs_alert_means').selectAll().where('organisation_id', '=', org).where('archived', '=', false).orderBy(sql`lower(name)`).execute(),
  ]);
  return {
    contacts: contacts.map((c) => ({
      id: c.id,
      name: c.name,
      service: c.service,
      functionLabel: c.function_label,
      phone: c.phone,
      phoneAlt: c.phone_alt,
      email: c.email,
      notes: c.notes,
      onCallNow: c.on_call_now,
    })),
    oncall: oncall.map((s) => ({ id: s.id, contactId: s.contact_id, contactName: s.name, phone: s.phone, line: s.line, startsAt: s.starts_at.toISOString(), endsAt: s.ends_at.toISOString() })),
    alertMeans: means.map((m) => ({ id: m.id, name: m.name, coverage: m.coverage, rules: m.rules })),
  };
}

export async function listSites(services: Services, organisationId: string): Promise<Site[]> {
  const rows = await services.db.selectFrom('pcs_sites').selectAll().where('organisation_id', '=', organisationId).where('archived', '=', false).orderBy('kind').orderBy(sql`lower(name)`).execute();
  return rows.map((s) => ({ id: s.id, name: s.name, kind: s.kind, address: s.address, position: { lon: s.lon, lat: s.lat }, capacity: s.capacity, phone: s.phone, notes: s.notes }));
}
