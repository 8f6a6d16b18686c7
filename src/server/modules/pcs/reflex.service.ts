import { sql } from 'kysely';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { can } from '../../../shared/permissions';
import { topicOf } from '../../../shared/realtime';
import type { EventReflexSheets, ReflexRun } from '../../../shared/schemas/pcs';
import { recordAudit } from '../audit';
import { canManageEvent, lockVisibleEvent, requireVisibleEvent, systemEntry, type EventAccess } from '../events';
import { appendEntry } from '../logbook/chain';
import { publishAction } from '../logbook/actions.service';
import { presentSheet, sheetsQuery } from './plan.service';

/** Runs of an event with their steps (actions) and, for the person asking, which steps they may tick. */
async function runsOf(services: Services, auth: AuthContext, eventId: string, organisationId: string, access: EventAccess): Promise<ReflexRun[]> {
  const runs = await services.db.selectFrom('pcs_reflex_runs').selectAll().where('event_id', '=', eventId).orderBy('started_at').execute();
  if (runs.length === 0) return [];
  const steps = await services.db
    .selectFrom('actions as a')
    .select(['a.id', 'a.reflex_run_id', 'a.step_position', 'a.entry_seq', 'a.status', 'a.title', 'a.assignee_function_id', 'a.assignee_user_id'])
    .select(
      auth.guest
        ? sql<boolean>`false`.as('holds')
        : sql<boolean>`(a.assignee_user_id = ${auth.user.id}::uuid OR a.assignee_function_id IN (SELECT uf.function_id FROM user_functions uf WHERE uf.user_id = ${auth.user.id}::uuid))`.as('holds'),
    )
    .where('a.reflex_run_id', 'in', runs.map((r) => r.id))
    .orderBy('a.step_position')
    .execute();
  const coordinator = !auth.guest && can(auth.user.role, 'events.manage') && canManageEvent(auth, { organisation_id: organisationId }, access);
  return runs.map((r) => ({
    id: r.id,
    sheetId: r.sheet_id,
    title: r.title,
    functionName: r.function_name,
    startedByName: r.started_by_name,
    startedAt: r.started_at.toISOString(),
    steps: steps
      .filter((s) => s.reflex_run_id === r.id)
      .map((s) => ({
        position: s.step_position ?? 0,
        text: s.title,
        actionId: s.id,
        entrySeq: s.entry_seq,
        status: s.status,
        canChange: access === 'write' && (s.holds || coordinator),
      })),
  }));
}

/** The event's risk, the sheets of that risk not started yet, and the runs. */
export async function eventReflexSheets(services: Services, auth: AuthContext, eventId: string): Promise<EventReflexSheets> {
  const e = await requireVisibleEvent(services.db, auth, eventId);
  const risk = e.risk_id ? await services.db.selectFrom('pcs_risks').select(['id', 'name']).where('id', '=', e.risk_id).executeTakeFirst() : undefined;
  const runs = await runsOf(services, auth, eventId, e.organisation_id, e.access);
  // Guests and partners see the runs (the event's actions), not the host's plan.
  const member = !auth.guest && auth.user.organisationId === e.organisation_id;
  const started = new Set(runs.map((r) => r.sheetId));
  const proposed = risk && member ? (await sheetsQuery(services.db, e.organisation_id).where('s.risk_id', '=', risk.id).execute()).filter((s) => !started.has(s.id)).map(presentSheet) : [];
  return { risk: risk ? { id: risk.id, name: risk.name } : null, proposed, runs };
}

/**
 * Starts a reflex sheet in an event: one entry announcing it, then one action per step, assigned to
 * the sheet's function (each an entry of the main courante, as every action is), in one transaction
 * under the event's lock. Members who write in the event and either manage it or hold the function.
 */
export async function startReflexSheet(services: Services, auth: AuthContext, actor: Actor, eventId: string, sheetId: string): Promise<ReflexRun> {
  const runId = await services.db.transaction().execute(async (tx) => {
    const e = await lockVisibleEvent(tx, auth, eventId);
    if (auth.guest || e.organisation_id !== auth.user.organisationId) throw new AppError('forbidden');
    if (e.access !== 'write') throw new AppError('forbidden');
    if (e.status === 'closed') throw new AppError('event_closed');
    const sheet = await sheetsQuery(tx, e.organisation_id).where('s.id', '=', sheetId).executeTakeFirst();
    if (!sheet) throw notFound();
    const holds = await tx.selectFrom('user_functions').select('function_id').where('user_id', '=', auth.user.id).where('function_id', '=', sheet.function_id).executeTakeFirst();
    const manages = can(auth.user.role, 'events.manage') && canManageEvent(auth, e, e.access);
    // Coordinators of the event, or whoever holds the sheet's function.
    if (!holds && !manages) throw new AppError('forbidden');
    const existing = await tx.selectFrom('pcs_reflex_runs').select('id').where('event_id', '=', eventId).where('sheet_id', '=', sheetId).executeTakeFirst();
    if (existing) throw new AppError('reflex_sheet_started');
    const run = await tx
      .insertInto('pcs_reflex_runs')
      .values({
        organisation_id: e.organisation_id,
        event_id: eventId,
        sheet_id: sheetId,
        title: sheet.title,
        function_name: sheet.function_name,
        started_by: auth.user.id,
        started_by_name: auth.user.displayName,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await systemEntry(services, tx, auth, e, `Fiche réflexe « ${sheet.title} » démarrée par ${auth.user.displayName} : ${sheet.steps.length} actions confiées à la fonction ${sheet.function_name}.`, true);
    const entryIds: string[] = [];
    for (const [i, step] of sheet.steps.entries()) {
      const entry = await appendEntry(tx, services.realtime, e, {
        kind: 'entry',
        occurredAt: e.now,
        authorId: auth.user.id,
        authorName: auth.user.displayName,
        functionName: sheet.function_name,
        source: `Fiche réflexe « ${sheet.title} », étape ${i + 1}/${sheet.steps.length}`,
        text: step,
        important: false,
        tags: [],
        attachments: [],
        correctsId: null,
        afterInsert: async (row) => {
          await tx
            .insertInto('actions')
            .values({
              organisation_id: e.organisation_id,
              event_id: eventId,
              entry_id: row.id,
              entry_seq: row.seq,
              title: step.length > 300 ? `${step.slice(0, 299)}…` : step,
              assignee_user_id: null,
              assignee_function_id: sheet.function_id,
              assignee_name: sheet.function_name,
              due_at: null,
              created_by: auth.user.id,
              reflex_run_id: run.id,
              step_position: i + 1,
            })
            .execute();
        },
      });
      entryIds.push(entry.id);
    }
    await recordAudit(tx, actor, {
      action: 'reflex_sheet.started',
      entityType: 'reflex_run',
      entityId: run.id,
      organisationId: e.organisation_id,
      changes: { eventId, sheetId, title: sheet.title, steps: sheet.steps.length },
    });
    for (const [i, id] of entryIds.entries()) await publishAction(services, tx, id, { boards: i === entryIds.length - 1 });
    await services.realtime.publish(tx, topicOf('event', eventId), { kind: 'reflex.started', eventId, sheetId });
    return run.id;
  });
  const e = await requireVisibleEvent(services.db, auth, eventId);
  const runs = await runsOf(services, auth, eventId, e.organisation_id, e.access);
  return runs.find((r) => r.id === runId)!;
}
