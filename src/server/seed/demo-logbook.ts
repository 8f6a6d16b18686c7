import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { RealtimeHub } from '../realtime/hub';
import { appendEntry } from '../modules/logbook';
import { lockEvent } from '../modules/events';

interface DemoEntry {
  /** Minutes after the event's start. */
  at: number;
  text: string;
  fn?: string;
  source?: string;
  tags?: string[];
  important?: boolean;
  /** Index (in this list) of the entry this one corrects. */
  corrects?: number;
  kind?: 'correction' | 'cancellation';
}

interface DemoEvent {
  type: string;
  title: string;
  description: string;
  status: 'watch' | 'active' | 'closed';
  severity: number;
  /** Hours before now. */
  startedHoursAgo: number;
  durationHours?: number;
  place?: unknown;
  entries: DemoEntry[];
  children?: DemoEvent[];
}

const LEZ: DemoEvent = {
  type: 'Inondation',
  title: 'Crue du Lez — vigilance orange pluie-inondation',
  description: 'Épisode méditerranéen : cumuls de 150 à 200 mm attendus sur le bassin du Lez et de la Mosson. PCS activé en niveau 2.',
  status: 'active',
  severity: 3,
  startedHoursAgo: 30,
  place: { type: 'Point', coordinates: [3.8915, 43.6047] },
  entries: [
    { at: 0, text: 'Réception du bulletin de vigilance orange pluie-inondation de Météo-France pour l’Hérault. Activation de la cellule de veille.', fn: 'Élu d’astreinte', source: 'Préfecture', tags: ['consignes nationales', 'décision'], important: true },
    { at: 12, text: 'Appel du SDIS : montée rapide du Lez au pont Juvénal, 2,10 m à l’échelle. Surveillance renforcée demandée.', fn: 'Directeur des opérations', source: 'SDIS 34', tags: ['coordination'] },
    { at: 25, text: 'Décision : activation du PCS en niveau 2, ouverture de la cellule de crise en mairie (salle du conseil).', fn: 'Directeur des opérations', tags: ['décision'], important: true },
    { at: 40, text: 'Fermeture de la voie sur berge et du parking des berges du Lez. Barrières posées par les services techniques.', fn: 'Cellule technique', source: 'Services techniques', tags: ['restriction des déplacements'] },
    { at: 55, text: 'Message d’alerte diffusé par SMS aux 1 240 inscrits du quartier Port Marianne.', fn: 'Cellule communication', tags: ['communication externe'] },
    { at: 70, text: 'Recensement des personnes vulnérables isolées : 37 personnes inscrites au registre du CCAS dans les zones inondables, appels en cours.', fn: 'Cellule population', source: 'CCAS', tags: ['personnes vulnérables'] },
    { at: 95, text: 'Ouverture du centre d’hébergement d’urgence au gymnase Jean-Bouin, capacité 120 places.', fn: 'Logistique', tags: ['hébergement d’urgence', 'décision'], important: true },
    { at: 110, text: 'Évacuation préventive de 12 personnes du camping de la Mosson.', fn: 'Directeur des opérations', source: 'Police municipale', tags: ['coordination'] },
    { at: 118, text: 'Évacuation préventive de 21 personnes du camping de la Mosson (et non 12).', fn: 'Directeur des opérations', source: 'Police municipale', tags: ['coordination'], corrects: 7, kind: 'correction' },
    { at: 140, text: 'Ligne 3 du tramway interrompue entre Place de l’Europe et Port Marianne. Navettes de substitution demandées à TaM.', fn: 'Logistique', source: 'TaM', tags: ['transports publics'] },
    { at: 180, text: 'Point de situation avec la préfecture : vigilance maintenue jusqu’à demain 6 h. Prochain point à 20 h.', fn: 'Directeur des opérations', source: 'Préfecture', tags: ['coordination'] },
    { at: 210, text: 'Communiqué de presse diffusé : consignes de sécurité, numéros utiles, lieux d’hébergement.', fn: 'Cellule communication', tags: ['communication externe'] },
    { at: 260, text: 'Les écoles Jules-Ferry et Léo-Malet resteront fermées demain. Information des familles par l’ENT.', fn: 'Responsable des actions communales', tags: ['décision', 'garde d’enfants', 'communication externe'], important: true },
    { at: 320, text: 'Décrue amorcée au pont Juvénal : 1,85 m. Reconnaissance des digues prévue à l’aube.', fn: 'Cellule technique', source: 'SDIS 34', tags: ['coordination'] },
    { at: 600, text: 'Reconnaissance des digues du Lez : pas de brèche constatée. Embâcles à dégager sous le pont de la Concorde.', fn: 'Cellule technique', source: 'Services techniques', tags: ['nettoyage et désinfection'] },
    { at: 720, text: 'Collecte des encombrants et déchets des crues organisée dans le quartier des Aubes à partir de demain.', fn: 'Logistique', tags: ['collecte des déchets'] },
  ],
  children: [
    {
      type: 'Inondation',
      title: 'Centre d’hébergement d’urgence — gymnase Jean-Bouin',
      description: 'Accueil des personnes évacuées : 120 lits picots, repas fournis par la cuisine centrale.',
      status: 'active',
      severity: 2,
      startedHoursAgo: 28.4,
      place: { type: 'Point', coordinates: [3.8619, 43.6261] },
      entries: [
        { at: 0, text: 'Ouverture du centre : 2 agents du CCAS, 4 bénévoles de la Croix-Rouge sur place.', fn: 'Logistique', source: 'CCAS', tags: ['hébergement d’urgence', 'ressources humaines'] },
        { at: 45, text: '18 personnes accueillies, dont 3 enfants et 2 personnes à mobilité réduite.', fn: 'Cellule population', tags: ['hébergement d’urgence', 'personnes vulnérables'] },
        { at: 120, text: 'Livraison de 150 repas et de kits d’hygiène par la cuisine centrale.', fn: 'Logistique', source: 'Cuisine centrale', tags: ['hébergement d’urgence'] },
      ],
    },
    {
      type: 'Inondation',
      title: 'Cellule communication — crue du Lez',
      description: 'Relations presse, réseaux sociaux, information des habitants.',
      status: 'active',
      severity: 1,
      startedHoursAgo: 29,
      entries: [
        { at: 10, text: 'Publication sur les réseaux sociaux de la ville : fermeture des berges, consignes de sécurité.', fn: 'Cellule communication', tags: ['communication externe'] },
        { at: 90, text: 'Sollicitation de France 3 Occitanie pour une interview du maire à 19 h.', fn: 'Cellule communication', source: 'France 3 Occitanie', tags: ['communication externe'] },
      ],
    },
  ],
};

const ASTREINTE: DemoEvent = {
  type: 'Astreinte',
  title: 'Astreinte sécurité civile — semaine 48',
  description: 'Main courante de l’astreinte hebdomadaire (élu et cadre d’astreinte).',
  status: 'watch',
  severity: 1,
  startedHoursAgo: 60,
  entries: [
    { at: 0, text: 'Prise d’astreinte : élu d’astreinte M. Durand, cadre d’astreinte Mme Roussel.', fn: 'Élu d’astreinte', tags: ['ressources humaines'] },
    { at: 300, text: 'Alarme incendie au groupe scolaire Heidelberg : fausse alerte, levée de doute par le SDIS.', fn: 'Élu d’astreinte', source: 'SDIS 34', tags: ['coordination'] },
    { at: 900, text: 'Fuite d’eau sur la voirie avenue de Toulouse, intervention de Montpellier Méditerranée Métropole.', fn: 'Élu d’astreinte', source: 'Services techniques', tags: ['continuité d’activité'] },
  ],
};

const COVID: DemoEvent = {
  type: 'Crise sanitaire',
  title: 'COVID-19 — deuxième confinement',
  description: 'Gestion communale de la crise sanitaire : continuité des services, personnes vulnérables, élections.',
  status: 'closed',
  severity: 2,
  startedHoursAgo: 24 * 400,
  durationHours: 24 * 45,
  entries: [
    { at: 0, text: 'Annonce du confinement national à compter du 30 octobre. Réunion de la cellule de crise communale.', fn: 'Directeur des opérations', source: 'Préfecture', tags: ['consignes nationales', 'décision'], important: true },
    { at: 60 * 20, text: 'Plan de continuité d’activité activé : télétravail pour 60 % des agents, accueil du public sur rendez-vous.', fn: 'Responsable des actions communales', tags: ['continuité d’activité', 'ressources humaines'] },
    { at: 60 * 44, text: 'Appels de convivialité aux 850 personnes isolées inscrites au registre canicule-grand froid.', fn: 'Cellule population', source: 'CCAS', tags: ['personnes vulnérables', 'veille épidémique'] },
    { at: 60 * 24 * 6, text: 'Accueil des enfants des personnels prioritaires dans 4 écoles.', fn: 'Responsable des actions communales', tags: ['garde d’enfants'] },
    { at: 60 * 24 * 44, text: 'Fin du confinement : retour d’expérience prévu en janvier.', fn: 'Directeur des opérations', tags: ['décision'] },
  ],
};

/**
 * Demo main courante for a commune: a flood in progress with two sub-events, the weekly on-call
 * logbook, and a closed COVID-19 event. Entries go through the real hash chain with past times.
 */
export async function seedDemoLogbook(tx: Kysely<DB>, realtime: RealtimeHub, organisationId: string, authors: Map<string, { id: string; name: string }>) {
  const types = new Map((await tx.selectFrom('event_types').select(['id', 'name']).where('organisation_id', '=', organisationId).execute()).map((t) => [t.name, t.id]));
  const author = authors.get('coordinator') ?? [...authors.values()][0];
  const now = Date.now();

  const create = async (e: DemoEvent, parentId: string | null) => {
    const startsAt = new Date(now - e.startedHoursAgo * 3600_000);
    const { id } = await tx
      .insertInto('events')
      .values({
        organisation_id: organisationId,
        type_id: types.get(e.type)!,
        parent_id: parentId,
        title: e.title,
        description: e.description,
        status: e.status === 'closed' ? 'active' : e.status,
        severity: e.severity,
        starts_at: startsAt,
        ends_at: e.durationHours ? new Date(startsAt.getTime() + e.durationHours * 3600_000) : null,
        place: e.place ? JSON.stringify(e.place) : null,
        created_by: author.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ids: string[] = [];
    const locked = (await lockEvent(tx, id))!;
    const write = async (at: number, input: Omit<Parameters<typeof appendEntry>[3], 'occurredAt'>) => {
      const t = new Date(startsAt.getTime() + at * 60_000);
      // Demo history: recorded a couple of minutes after the fact, as a cell writes it.
      locked.now = new Date(Math.min(t.getTime() + 2 * 60_000, now));
      return appendEntry(tx, realtime, locked, { ...input, occurredAt: t });
    };
    await write(0, { kind: 'system', authorId: author.id, authorName: author.name, functionName: null, source: null, text: `Ouverture de l’événement « ${e.title} ».`, important: false, tags: [], attachments: [], correctsId: null });
    for (const en of e.entries) {
      const row = await write(en.at, {
        kind: en.kind ?? 'entry',
        authorId: author.id,
        authorName: author.name,
        functionName: en.fn ?? null,
        source: en.source ?? null,
        text: en.text,
        important: en.important ?? false,
        tags: en.tags ?? [],
        attachments: [],
        correctsId: en.corrects !== undefined ? ids[en.corrects] : null,
      });
      ids.push(row.id);
    }
    if (e.status === 'closed') {
      const end = e.durationHours ? e.durationHours * 60 : 0;
      await write(end, { kind: 'system', authorId: author.id, authorName: author.name, functionName: null, source: null, text: `Clôture de l’événement par ${author.name}.`, important: true, tags: [], attachments: [], correctsId: null });
      await tx.updateTable('events').set({ status: 'closed', closed_at: locked.now }).where('id', '=', id).execute();
    }
    for (const c of e.children ?? []) await create(c, id);
  };
  for (const e of [LEZ, ASTREINTE, COVID]) await create(e, null);
}
