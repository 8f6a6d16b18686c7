import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { RealtimeHub } from '../realtime/hub';
import { appendEntry } from '../modules/logbook';
import { lockEvent } from '../modules/events';
import { defaultSituationFields } from '../../shared/schemas/situation';

/**
 * Demo of the crisis cell's organisation on the flood of the Lez: functions held by the city's
 * people, the situation analysis (two versions, yellow then orange) and actions to follow up, one
 * of them late. The "Crise sanitaire" type is kept for a watch list: its events are seen by the
 * director of operations and the population cell (administrators see everything).
 */
export async function seedDemoRights(tx: Kysely<DB>, realtime: RealtimeHub, organisationId: string, people: Map<string, { id: string; name: string }>) {
  const fn = new Map((await tx.selectFrom('crisis_functions').select(['id', 'name']).where('organisation_id', '=', organisationId).execute()).map((f) => [f.name, f.id]));
  const holds: Array<[string, string]> = [
    ['coordinator', 'Directeur des opérations'],
    ['contributor', 'Logistique'],
    ['contributor', 'Cellule population'],
    ['reader', 'Cellule communication'],
  ];
  await tx
    .insertInto('user_functions')
    .values(holds.filter(([r]) => people.has(r)).map(([r, f]) => ({ user_id: people.get(r)!.id, function_id: fn.get(f)! })))
    .execute();
  const sanitaire = await tx.selectFrom('event_types').select('id').where('organisation_id', '=', organisationId).where('name', '=', 'Crise sanitaire').executeTakeFirstOrThrow();
  await tx.updateTable('event_types').set({ audience: 'restricted' }).where('id', '=', sanitaire.id).execute();
  await tx
    .insertInto('audience_grants')
    .values([
      { organisation_id: organisationId, event_type_id: sanitaire.id, principal_kind: 'function', function_id: fn.get('Directeur des opérations')!, access: 'write' },
      { organisation_id: organisationId, event_type_id: sanitaire.id, principal_kind: 'function', function_id: fn.get('Cellule population')!, access: 'write' },
    ])
    .execute();

  const lez = await tx.selectFrom('events').select(['id', 'starts_at']).where('organisation_id', '=', organisationId).where('title', 'like', 'Crue du Lez%').executeTakeFirst();
  if (!lez) return;
  const coordinator = people.get('coordinator')!;
  const contributor = people.get('contributor') ?? coordinator;
  const e = (await lockEvent(tx, lez.id))!;
  const now = e.now.getTime();
  const startedAt = e.last_entry_at?.getTime() ?? 0;
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3600_000);
  const write = async (hoursAgo: number, who: { id: string; name: string }, text: string, kind: 'entry' | 'system', important = false) => {
    e.now = new Date(Math.max(at(hoursAgo).getTime(), startedAt + 60_000));
    return appendEntry(tx, realtime, e, { kind, occurredAt: e.now, authorId: who.id, authorName: who.name, functionName: null, source: null, text, important, tags: [], attachments: [], correctsId: null });
  };

  // Written after the flood's own history (its last entry is 18 h old), in order of time.
  const situation = async (hoursAgo: number, version: number, severity: number, previous: number, values: Record<string, string | number>) => {
    const label = (n: number) => ['Vert', 'Jaune', 'Orange', 'Rouge'][n - 1];
    const text =
      severity !== previous
        ? `Analyse de situation (version ${version}) par ${coordinator.name} : gravité ${label(severity)} (était ${label(previous)}).`
        : `Analyse de situation mise à jour (version ${version}) par ${coordinator.name}, gravité ${label(severity)}.`;
    const entry = await write(hoursAgo, coordinator, text, 'system', severity !== previous);
    await tx
      .insertInto('situation_reports')
      .values({ event_id: lez.id, organisation_id: organisationId, version, severity, fields: JSON.stringify(defaultSituationFields), values: JSON.stringify(values), author_id: coordinator.id, author_name: coordinator.name, entry_id: entry.id, created_at: at(hoursAgo) })
      .execute();
  };
  const base = { risque: 'Crue du Lez et de la Mosson (épisode méditerranéen)', personnes_vulnerables: 37 };
  await situation(17, 1, 3, 3, {
    ...base,
    enjeux: 'Port Marianne, berges du Lez, camping de la Mosson, ligne 3 du tramway',
    personnes_exposees: 2600,
    moyens_engages: 'PCS niveau 2, gymnase Jean-Bouin (120 places), police municipale',
    tendance: 'Stable',
    prochain_point: at(12).toISOString(),
  });

  // Actions: one late, one in progress, one done; each status change is an entry.
  const actions = [
    { hoursAgo: 16, text: 'Rappeler les 37 personnes vulnérables du registre et signaler celles à reloger.', fnName: 'Cellule population', dueHoursAgo: 2 },
    { hoursAgo: 15, text: 'Livrer 120 lits de camp et couvertures au gymnase Jean-Bouin.', fnName: 'Logistique', dueHoursAgo: -3 },
    { hoursAgo: 14, text: 'Préparer le communiqué de presse sur les lieux d’hébergement.', fnName: 'Cellule communication', dueHoursAgo: 10 },
  ];
  const made: Array<{ id: string; seq: number; text: string }> = [];
  for (const a of actions) {
    const entry = await write(a.hoursAgo, coordinator, a.text, 'entry');
    const { id } = await tx
      .insertInto('actions')
      .values({ organisation_id: organisationId, event_id: lez.id, entry_id: entry.id, entry_seq: entry.seq, title: a.text, assignee_function_id: fn.get(a.fnName)!, assignee_name: a.fnName, due_at: at(a.dueHoursAgo), created_by: coordinator.id, created_at: at(a.hoursAgo), updated_at: at(a.hoursAgo) })
      .returning('id')
      .executeTakeFirstOrThrow();
    made.push({ id, seq: entry.seq, text: a.text });
  }
  const step = async (hoursAgo: number, i: number, from: string, to: string, status: 'doing' | 'done') => {
    await write(hoursAgo, contributor, `Action n° ${made[i].seq} « ${made[i].text} » : ${from} → ${to}`, 'entry');
    await tx.updateTable('actions').set({ status, updated_at: at(hoursAgo) }).where('id', '=', made[i].id).execute();
  };
  await step(13, 1, 'À faire', 'En cours', 'doing');
  await step(12, 2, 'À faire', 'En cours', 'doing');
  await step(11, 2, 'En cours', 'Fait', 'done');
  await situation(6, 2, 2, 3, {
    ...base,
    enjeux: 'Berges du Lez (embâcles), quartier des Aubes',
    personnes_exposees: 400,
    moyens_engages: 'Gymnase Jean-Bouin (43 personnes hébergées), services techniques',
    tendance: 'Amélioration',
    prochain_point: at(-4).toISOString(),
  });
  // The event's severity is the analysis's; its head now reflects the entries written here.
  await tx.updateTable('events').set({ severity: 2 }).where('id', '=', lez.id).execute();
}
