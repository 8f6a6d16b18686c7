import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Actor } from '../http/context';
import { planDocumentSchema, type PlanDocument } from '../../shared/schemas/pcs';
import { writePlanDocument } from '../modules/pcs/transfer.service';

// The demo city's safeguard plan (fictional, plausible for Montpellier: the Lez and the Mosson,
// Mediterranean "épisodes cévenols", summer heat). Loaded through the same code as an import.

const day = 24 * 3600 * 1000;

export function montpellierPlan(now = new Date()): PlanDocument {
  const monday = new Date(now);
  monday.setUTCHours(6, 0, 0, 0);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const week = (offset: number) => ({ startsAt: new Date(monday.getTime() + offset * 7 * day).toISOString(), endsAt: new Date(monday.getTime() + (offset + 1) * 7 * day).toISOString() });
  return planDocumentSchema.parse({
    format: 'vigie-pcs',
    version: 1,
    // Revised four years and eight months ago: the five-year reminder shows.
    upkeep: { lastRevisionOn: new Date(now.getTime() - (4 * 365 + 240) * day).toISOString().slice(0, 10), lastExerciseOn: new Date(now.getTime() - 400 * day).toISOString().slice(0, 10) },
    risks: [
      {
        name: 'Inondation',
        description: 'Crues rapides du Lez, de la Mosson et de leurs affluents lors des épisodes méditerranéens ; ruissellement urbain (PPRI approuvé).',
        sheets: [
          {
            title: 'Inondation — Directeur des opérations',
            function: 'Directeur des opérations',
            steps: [
              'Activer la cellule de crise communale en salle du conseil',
              'Prendre contact avec la préfecture (COD) et le SDIS 34',
              'Décider l’évacuation préventive des zones basses (campings, berges du Lez)',
              'Faire diffuser l’alerte à la population (automate d’appel, véhicule haut-parleur)',
              'Fixer l’heure du prochain point de situation',
            ],
          },
          {
            title: 'Inondation — Logistique',
            function: 'Logistique',
            steps: [
              'Mettre en place les barrières de fermeture des passages submersibles',
              'Ouvrir le centre d’hébergement du gymnase Jean-Bouin',
              'Engager les véhicules de la police municipale pour le balisage',
              'Commander repas et couvertures pour le centre d’hébergement',
            ],
          },
          {
            title: 'Inondation — Cellule communication',
            function: 'Cellule communication',
            steps: ['Publier les consignes de sécurité sur le site et les réseaux sociaux', 'Préparer le communiqué de presse avec le cabinet du maire'],
          },
        ],
      },
      {
        name: 'Tempête',
        description: 'Vents violents et orages (vigilance orange ou rouge de Météo-France).',
        sheets: [
          {
            title: 'Tempête — Cellule technique',
            function: 'Cellule technique',
            steps: ['Fermer les parcs et jardins', 'Sécuriser les chantiers et les structures provisoires', 'Recenser les chutes d’arbres et dégager les voies'],
          },
        ],
      },
      {
        name: 'Canicule',
        description: 'Plan canicule : veille saisonnière du 1er juin au 15 septembre.',
        sheets: [
          {
            title: 'Canicule — Cellule population',
            function: 'Cellule population',
            steps: ['Appeler les personnes inscrites au registre des personnes vulnérables', 'Ouvrir les salles rafraîchies', 'Organiser les visites à domicile avec le CCAS'],
          },
        ],
      },
      { name: 'Risque industriel et transport de matières dangereuses', description: 'Dépôts pétroliers, axes A9 et voie ferrée.', sheets: [] },
      { name: 'Pandémie', description: 'Crise sanitaire (COVID-19) : continuité des services, soutien aux personnes isolées.', sheets: [] },
    ],
    contacts: [
      { name: 'Claire Dubois', service: 'Direction de la sécurité civile', function: 'Directrice des opérations (par délégation)', phone: '04 67 00 00 01', email: 'claire.dubois@montpellier.demo' },
      { name: 'Julien Moreau', service: 'Direction de la sécurité civile', function: 'Coordinateur de la cellule de crise', phone: '04 67 00 00 02', phoneAlt: '06 00 00 00 02', email: 'julien.moreau@montpellier.demo' },
      { name: 'Sarah Benali', service: 'Logistique', function: 'Responsable logistique', phone: '04 67 00 00 03', phoneAlt: '06 00 00 00 03' },
      { name: 'Thomas Garcia', service: 'Communication', function: 'Chargé de communication', phone: '04 67 00 00 04' },
      { name: 'Poste de commandement de la police municipale', service: 'Police municipale', function: 'Permanence 24 h/24', phone: '04 67 00 00 17' },
      { name: 'CCAS — permanence sociale', service: 'CCAS', function: 'Suivi des personnes vulnérables', phone: '04 67 00 00 30' },
      { name: 'Préfecture de l’Hérault — SIDPC', service: 'Préfecture', function: 'Service interministériel de défense et de protection civiles', phone: '04 67 00 00 50' },
    ],
    oncall: [
      { contact: 'Julien Moreau', line: 'Astreinte de direction', ...week(0) },
      { contact: 'Sarah Benali', line: 'Astreinte technique', ...week(0) },
      { contact: 'Claire Dubois', line: 'Astreinte de direction', ...week(1) },
    ],
    alertMeans: [
      { name: 'Automate d’appel', coverage: 'Abonnés inscrits des quartiers inondables (4 200 numéros)', rules: 'Déclenché par le directeur des opérations ; message type validé par la cellule communication.' },
      { name: 'Véhicule haut-parleur', coverage: 'Campings et berges du Lez', rules: 'Deux agents de la police municipale ; parcours défini dans la fiche secteur.' },
      { name: 'Sirène du Réseau national d’alerte', coverage: 'Centre-ville', rules: 'Déclenchement sur ordre du préfet ou du maire ; essai le premier mercredi du mois à midi.' },
    ],
    resources: [
      { name: 'Véhicule PM 12', kind: 'vehicle', address: 'Hôtel de police municipale', position: { lon: 3.8767, lat: 43.6047 }, note: 'Équipé d’un haut-parleur' },
      { name: 'Fourgon logistique 3', kind: 'vehicle', address: 'Centre technique municipal', position: { lon: 3.8516, lat: 43.6213 } },
      { name: 'Barrières de crue (lot de 40)', kind: 'equipment', address: 'Centre technique municipal', position: { lon: 3.8516, lat: 43.6213 } },
      { name: 'Groupe électrogène 60 kVA', kind: 'equipment', address: 'Centre technique municipal' },
      { name: 'Salle du conseil', kind: 'room', address: 'Hôtel de ville, 1 place Georges-Frêche', position: { lon: 3.8963, lat: 43.5993 } },
      { name: 'Gymnase Jean-Bouin', kind: 'shelter', address: 'Rue Jean-Bouin', position: { lon: 3.8861, lat: 43.6049 }, capacity: 120, note: 'Lits picots et couvertures en réserve pour 80 personnes' },
      { name: 'Salle polyvalente des Aubes', kind: 'shelter', address: 'Quartier des Aubes', position: { lon: 3.8935, lat: 43.6135 }, capacity: 60 },
      { name: 'Équipe d’intervention technique', kind: 'team', address: 'Centre technique municipal', note: '6 agents, astreinte technique' },
    ],
    sites: [
      { name: 'École maternelle des Berges (démo)', kind: 'school', address: 'Quai des Berges du Lez', position: { lon: 3.8992, lat: 43.6041 }, capacity: 140 },
      { name: 'Groupe scolaire Port-Marianne (démo)', kind: 'school', position: { lon: 3.9024, lat: 43.6003 }, capacity: 320 },
      { name: 'Crèche du Lez (démo)', kind: 'daycare', position: { lon: 3.8971, lat: 43.6088 }, capacity: 45 },
      { name: 'EHPAD Les Glycines (démo)', kind: 'nursing_home', position: { lon: 3.8702, lat: 43.6212 }, capacity: 84, phone: '04 67 00 00 60' },
      { name: 'Clinique du Parc (démo)', kind: 'hospital', position: { lon: 3.8652, lat: 43.6151 } },
    ],
  });
}

/** Fictional people of the demo register (never real persons). */
export const DEMO_VULNERABLE_PEOPLE = [
  { full_name: 'Mme Jeanne Exemple (démo)', address: '12 rue des Berges (rez-de-chaussée)', phone: '04 67 00 10 01', vulnerability: 'Personne âgée isolée, mobilité réduite', needs: 'Aide à l’évacuation (fauteuil)', contact: 'Fils : 06 00 10 00 01' },
  { full_name: 'M. Paul Fictif (démo)', address: '3 impasse du Moulin', phone: '04 67 00 10 02', vulnerability: 'Dépendant d’un appareil respiratoire électrique', needs: 'Alimentation électrique de secours', contact: 'Infirmière : 06 00 10 00 02' },
];

export async function seedDemoPcs(tx: Kysely<DB>, organisationId: string, byName: string, actor: Actor, now = new Date()): Promise<void> {
  await writePlanDocument(tx, organisationId, byName, actor, montpellierPlan(now));
  await tx
    .insertInto('pcs_vulnerable_people')
    .values(DEMO_VULNERABLE_PEOPLE.map((p) => ({ organisation_id: organisationId, ...p })))
    .execute();
}
