import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import { recordAudit } from '../audit';

// Editing the plan item by item (risks, reflex sheets, directory, on-call rota, alert means, sites):
// one transaction per change with its audit record and `plan.changed` for the open pages. Names are
// unique per organisation (per risk for sheets): `name_taken`. Archiving hides an item from the plan
// and from new events; events that used it keep what they wrote.

type Part = 'risks' | 'directory' | 'sites';

const PART: Record<Exclude<NamedTable, 'resources'> | 'pcs_reflex_sheets' | 'pcs_oncall_shifts', Part> = {
  pcs_risks: 'risks',
  pcs_reflex_sheets: 'risks',
  pcs_contacts: 'directory',
  pcs_oncall_shifts: 'directory',
  pcs_alert_means: 'directory',
  pcs_sites: 'sites',
};

const ENTITY: Record<keyof typeof PART, string> = {
  pcs_risks: 'risk',
  pcs_reflex_sheets: 'reflex_sheet',
  pcs_contacts: 'plan_contact',
  pcs_oncall_shifts: 'oncall_shift',
  pcs_alert_means: 'alert_mean',
  pcs_sites: 'site',
};

async function done(services: Services, tx: Kysely<DB>, actor: Actor, org: string, table: keyof typeof PART, action: 'created' | 'updated' | 'deleted', id: string, changes: unknown) {
  await recordAudit(tx, actor, { action: `${ENTITY[table]}.${action}`, entityType: ENTITY[table], entityId: id, organisationId: org, changes });
  await services.realtime.publish(tx, topicOf('organisation', org), { kind: 'plan.changed', part: PART[table] });
}

/** Row values from a body: camelCase keys to columns, a position to lon/lat. */
function columnsOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    if (k === 'position') {
      const p = v as { lon: number; lat: number };
      out.lon = p.lon;
      out.lat = p.lat;
    } else out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  }
  return out;
}

/** Tables of the plan whose items are named uniquely (case aside) within an organisation. */
export type NamedTable = 'pcs_risks' | 'pcs_contacts' | 'pcs_alert_means' | 'pcs_sites' | 'resources';

/** The id of the organisation's item of that name (case aside), other than `except`. */
export async function idByName(db: Kysely<DB>, table: NamedTable, org: string, name: string, except?: string): Promise<string | undefined> {
  let q = db.selectFrom(table as 'pcs_risks').select('id').where('organisation_id', '=', org).where(sql`lower(name)`, '=', name.toLowerCase());
  if (except) q = q.where('id', '<>', except);
  return (await q.executeTakeFirst())?.id;
}

/** `name_taken` when another item of the organisation has that name. */
export async function requireNameFree(db: Kysely<DB>, table: NamedTable, org: string, name: string, except?: string): Promise<void> {
  if (await idByName(db, table, org, name, except)) throw new AppError('name_taken');
}

export async function createNamed(services: Services, auth: AuthContext, actor: Actor, table: Exclude<NamedTable, 'resources'>, body: Record<string, unknown> & { name: string }): Promise<{ id: string }> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    await requireNameFree(tx, table, org, body.name);
    const { id } = await tx
      .insertInto(table as 'pcs_risks')
      .values({ organisation_id: org, ...columnsOf(body) } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    await done(services, tx, actor, org, table, 'created', id, body);
    return { id };
  });
}

export async function updateNamed(services: Services, auth: AuthContext, actor: Actor, table: Exclude<NamedTable, 'resources'>, id: string, body: Record<string, unknown> & { name?: string }): Promise<{ id: string }> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom(table as 'pcs_risks').select('id').where('id', '=', id).where('organisation_id', '=', org).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    if (body.name !== undefined) await requireNameFree(tx, table, org, body.name, id);
    await tx
      .updateTable(table as 'pcs_risks')
      .set({ ...columnsOf(body), updated_at: sql`now()` } as never)
      .where('id', '=', id)
      .execute();
    await done(services, tx, actor, org, table, 'updated', id, body);
    return { id };
  });
}

/** A crisis function of the organisation, not archived. */
async function requireFunction(tx: Kysely<DB>, org: string, functionId: string) {
  const f = await tx.selectFrom('crisis_functions').select('id').where('id', '=', functionId).where('organisation_id', '=', org).where('archived', '=', false).executeTakeFirst();
  if (!f) throw new AppError('unknown_function');
}

async function sheetTitleFree(tx: Kysely<DB>, riskId: string, title: string, except?: string) {
  let q = tx.selectFrom('pcs_reflex_sheets').select('id').where('risk_id', '=', riskId).where(sql`lower(title)`, '=', title.toLowerCase());
  if (except) q = q.where('id', '<>', except);
  if (await q.executeTakeFirst()) throw new AppError('name_taken');
}

export async function createSheet(services: Services, auth: AuthContext, actor: Actor, riskId: string, body: { title: string; functionId: string; steps: string[] }): Promise<{ id: string }> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    const risk = await tx.selectFrom('pcs_risks').select('id').where('id', '=', riskId).where('organisation_id', '=', org).executeTakeFirst();
    if (!risk) throw notFound();
    await requireFunction(tx, org, body.functionId);
    await sheetTitleFree(tx, riskId, body.title);
    const position = (await tx.selectFrom('pcs_reflex_sheets').select(sql<number>`coalesce(max(position), -1) + 1`.as('p')).where('risk_id', '=', riskId).executeTakeFirstOrThrow()).p;
    const { id } = await tx
      .insertInto('pcs_reflex_sheets')
      .values({ organisation_id: org, risk_id: riskId, title: body.title, function_id: body.functionId, steps: body.steps, position })
      .returning('id')
      .executeTakeFirstOrThrow();
    await done(services, tx, actor, org, 'pcs_reflex_sheets', 'created', id, { riskId, ...body });
    return { id };
  });
}

export async function updateSheet(services: Services, auth: AuthContext, actor: Actor, id: string, body: { title?: string; functionId?: string; steps?: string[]; archived?: boolean }): Promise<{ id: string }> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    const sheet = await tx.selectFrom('pcs_reflex_sheets').select(['id', 'risk_id']).where('id', '=', id).where('organisation_id', '=', org).forUpdate().executeTakeFirst();
    if (!sheet) throw notFound();
    if (body.functionId) await requireFunction(tx, org, body.functionId);
    if (body.title !== undefined) await sheetTitleFree(tx, sheet.risk_id, body.title, id);
    await tx
      .updateTable('pcs_reflex_sheets')
      .set({
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.functionId !== undefined ? { function_id: body.functionId } : {}),
        ...(body.steps !== undefined ? { steps: body.steps } : {}),
        ...(body.archived !== undefined ? { archived: body.archived } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    await done(services, tx, actor, org, 'pcs_reflex_sheets', 'updated', id, body);
    return { id };
  });
}

export async function createShift(services: Services, auth: AuthContext, actor: Actor, body: { contactId: string; line: string; startsAt: string; endsAt: string }): Promise<{ id: string }> {
  const org = auth.user.organisationId;
  return services.db.transaction().execute(async (tx) => {
    const contact = await tx.selectFrom('pcs_contacts').select('id').where('id', '=', body.contactId).where('organisation_id', '=', org).where('archived', '=', false).executeTakeFirst();
    if (!contact) throw notFound();
    const { id } = await tx
      .insertInto('pcs_oncall_shifts')
      .values({ organisation_id: org, contact_id: body.contactId, line: body.line, starts_at: new Date(body.startsAt), ends_at: new Date(body.endsAt) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await done(services, tx, actor, org, 'pcs_oncall_shifts', 'created', id, body);
    return { id };
  });
}

export async function deleteShift(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  const org = auth.user.organisationId;
  await services.db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('pcs_oncall_shifts').where('id', '=', id).where('organisation_id', '=', org).returningAll().executeTakeFirst();
    if (!gone) throw notFound();
    await done(services, tx, actor, org, 'pcs_oncall_shifts', 'deleted', id, { contactId: gone.contact_id, line: gone.line, startsAt: gone.starts_at, endsAt: gone.ends_at });
  });
}
