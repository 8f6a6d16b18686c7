import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import { severityInfo, type Severity } from '../../../shared/schemas/logbook';
import {
  checkSituationValues,
  defaultSituationFields,
  type PutSituationBody,
  type Situation,
  type SituationField,
  type SituationForm,
  type SituationValue,
  type SituationVersion,
} from '../../../shared/schemas/situation';
import { recordAudit } from '../audit';
import { lockVisibleEvent, publishUpdated, requireVisibleEvent, systemEntry, typeVisible } from '../events';

/** The versions kept in one answer (newest first); a crisis rarely goes beyond a few dozen. */
const MAX_VERSIONS = 200;

async function formOf(db: Kysely<DB>, typeId: string): Promise<{ fields: SituationField[]; custom: boolean; updatedAt: Date | null }> {
  const row = await db.selectFrom('situation_forms').select(['fields', 'updated_at']).where('event_type_id', '=', typeId).executeTakeFirst();
  return row ? { fields: row.fields as SituationField[], custom: true, updatedAt: row.updated_at } : { fields: defaultSituationFields, custom: false, updatedAt: null };
}

export async function getSituationForm(services: Services, auth: AuthContext, typeId: string): Promise<SituationForm> {
  if (!(await typeVisible(services.db, auth, typeId))) throw notFound();
  const f = await formOf(services.db, typeId);
  return { eventTypeId: typeId, fields: f.fields, custom: f.custom, updatedAt: f.updatedAt ? f.updatedAt.toISOString() : null };
}

/** Versions already written keep the fields they were written with: changing the form rewrites nothing. */
export async function putSituationForm(services: Services, auth: AuthContext, actor: Actor, typeId: string, fields: SituationField[]): Promise<SituationForm> {
  await services.db.transaction().execute(async (tx) => {
    const t = await tx.selectFrom('event_types').select(['id', 'organisation_id']).where('id', '=', typeId).where('organisation_id', '=', auth.user.organisationId).executeTakeFirst();
    if (!t) throw notFound();
    const before = await formOf(tx, typeId);
    const json = JSON.stringify(fields);
    await tx
      .insertInto('situation_forms')
      .values({ event_type_id: typeId, organisation_id: t.organisation_id, fields: json, updated_by: auth.user.id })
      .onConflict((oc) => oc.column('event_type_id').doUpdateSet({ fields: json, updated_by: auth.user.id, updated_at: new Date() }))
      .execute();
    await recordAudit(tx, actor, {
      action: 'event_type.situation_form_changed',
      entityType: 'event_type',
      entityId: typeId,
      organisationId: t.organisation_id,
      changes: { fields: { from: before.fields.map((f) => f.label), to: fields.map((f) => f.label) } },
    });
  });
  return getSituationForm(services, auth, typeId);
}

type ReportRow = { id: string; version: number; severity: number; fields: unknown; values: unknown; author_name: string; created_at: Date };
function presentVersion(r: ReportRow): SituationVersion {
  return {
    id: r.id,
    version: r.version,
    severity: r.severity,
    fields: r.fields as SituationField[],
    values: r.values as Record<string, SituationValue>,
    authorName: r.author_name,
    createdAt: r.created_at.toISOString(),
  };
}

export async function getSituation(services: Services, auth: AuthContext, eventId: string): Promise<Situation> {
  const e = await requireVisibleEvent(services.db, auth, eventId);
  const [form, rows] = await Promise.all([
    formOf(services.db, e.type_id),
    services.db
      .selectFrom('situation_reports')
      .select(['id', 'version', 'severity', 'fields', 'values', 'author_name', 'created_at'])
      .where('event_id', '=', eventId)
      .orderBy('version', 'desc')
      .limit(MAX_VERSIONS)
      .execute(),
  ]);
  return { eventId, fields: form.fields, versions: rows.map(presentVersion) };
}

/**
 * A new version of the situation analysis, checked against the type's form. Its severity is the
 * event's: a change writes an important entry in the main courante and updates the event, in the
 * same transaction; any other update writes a short entry. Two people filling the form from the
 * same version: the second gets `situation_conflict` (nothing stored) and reloads.
 */
export async function putSituation(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: PutSituationBody): Promise<Situation> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockVisibleEvent(tx, auth, eventId);
    if (e.access !== 'write' || auth.guest) throw new AppError('forbidden');
    if (e.status === 'closed') throw new AppError('event_closed');
    const form = await formOf(tx, e.type_id);
    const values: Record<string, SituationValue> = {};
    for (const [k, v] of Object.entries(body.values)) values[k] = typeof v === 'string' ? v.trim() : v;
    const problems = checkSituationValues(form.fields, values);
    if (problems.length) throw new AppError('situation_invalid', problems.map((p) => ({ ...p, code: 'invalid_value' })));
    const last = await tx.selectFrom('situation_reports').select(['version', 'severity']).where('event_id', '=', eventId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const current = last?.version ?? 0;
    if ((body.basedOnVersion ?? 0) !== current) throw new AppError('situation_conflict', { currentVersion: current });
    const version = current + 1;
    const from = severityInfo[e.severity as Severity].label;
    const to = severityInfo[body.severity as Severity].label;
    const changed = body.severity !== e.severity;
    const entry = await systemEntry(
      services,
      tx,
      auth,
      e,
      changed
        ? `Analyse de situation (version ${version}) par ${auth.user.displayName} : gravité ${to} (était ${from}).`
        : `Analyse de situation mise à jour (version ${version}) par ${auth.user.displayName}, gravité ${to}.`,
      changed,
    );
    const row = await tx
      .insertInto('situation_reports')
      .values({
        event_id: eventId,
        organisation_id: e.organisation_id,
        version,
        severity: body.severity,
        fields: JSON.stringify(form.fields),
        values: JSON.stringify(values),
        author_id: auth.user.id,
        author_name: auth.user.displayName,
        entry_id: entry.id,
      })
      .returning(['id', 'version', 'severity', 'fields', 'values', 'author_name', 'created_at'])
      .executeTakeFirstOrThrow();
    if (changed) await tx.updateTable('events').set({ severity: body.severity, updated_at: new Date() }).where('id', '=', eventId).execute();
    await recordAudit(tx, actor, {
      action: 'event.situation_updated',
      entityType: 'event',
      entityId: eventId,
      organisationId: e.organisation_id,
      changes: { version, severity: { from: e.severity, to: body.severity } },
    });
    await services.realtime.publish(tx, topicOf('event', eventId), { kind: 'situation.updated', eventId, version: presentVersion(row) });
    if (changed) await publishUpdated(services, tx, eventId);
  });
  return getSituation(services, auth, eventId);
}
