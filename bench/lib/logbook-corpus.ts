// Realistic French main courante entries for benchmarks: civil-security situations in Montpellier
// (floods, COVID, heat waves, large gatherings, storms, on-call), built from templates with a seeded
// generator so two runs write the same texts.
import type { Rng } from './random';

export type Situation = 'inondation' | 'covid' | 'canicule' | 'rassemblement' | 'tempete' | 'astreinte';

/** The default catalogue of action tags (migration 0002), in its order. */
export const TAGS = [
  'décision',
  'coordination',
  'veille épidémique',
  'consignes nationales',
  'ressources humaines',
  'continuité d’activité',
  'élections',
  'garde d’enfants',
  'personnes vulnérables',
  'hébergement d’urgence',
  'état civil',
  'collecte des déchets',
  'nettoyage et désinfection',
  'restriction des déplacements',
  'transports publics',
  'communication externe',
  'communication interne',
] as const;

export const FUNCTIONS = [
  'Directeur des opérations',
  'Responsable des actions communales',
  'Cellule communication',
  'Logistique',
  'Secrétariat de crise',
  'Cellule population',
  'Cellule technique',
  'Élu d’astreinte',
] as const;

export const SOURCES = [
  'SDIS 34',
  'Police municipale',
  'CCAS',
  'Services techniques',
  'Préfecture',
  'ARS Occitanie',
  'Météo-France',
  'TaM',
  'Montpellier Méditerranée Métropole',
  'Éducation nationale',
  'Croix-Rouge française',
  'Enedis',
  'SAMU 34',
  'DDTM 34',
  'Gendarmerie',
  'Vigicrues',
] as const;

export const EVENT_TYPE_OF: Record<Situation, string> = {
  inondation: 'Inondation',
  covid: 'Crise sanitaire',
  canicule: 'Canicule',
  rassemblement: 'Grand rassemblement',
  tempete: 'Tempête',
  astreinte: 'Astreinte',
};

const PLACES = [
  'place de la Comédie', 'Antigone', 'Port Marianne', 'quartier des Beaux-Arts', 'les Arceaux', 'l’Écusson',
  'la Mosson', 'la Paillade', 'Celleneuve', 'Près d’Arènes', 'la Croix d’Argent', 'Hôpitaux-Facultés',
  'Boutonnet', 'Figuerolles', 'Gambetta', 'Odysseum', 'la gare Saint-Roch', 'le Corum', 'l’esplanade Charles-de-Gaulle',
  'le parc Méric', 'Lunaret', 'Aiguelongue', 'les Cévennes', 'Saint-Martin', 'Tournezy', 'Lemasson', 'Malbosc',
  'Ovalie', 'Pas du Loup', 'Val de Croze', 'Grammont', 'Richter', 'Rondelet', 'Saint-Clément', 'Euromédecine',
];
const STREETS = [
  'avenue de la Liberté', 'rue de la Loge', 'avenue de Palavas', 'rue du Faubourg Figuerolles', 'avenue de Toulouse',
  'boulevard du Jeu de Paume', 'avenue du Père Soulas', 'rue de l’Aiguillerie', 'avenue de Lodève', 'route de Mende',
  'avenue Pierre Mendès France', 'rue Saint-Guilhem', 'boulevard Berthelot', 'avenue de la Pompignane', 'rue de Las Sorbes',
  'quai de Tounis', 'avenue du Pirée', 'rue Marioge', 'avenue d’Heidelberg', 'chemin de Moularès',
];
const WATERWAYS = ['le Lez', 'la Mosson', 'le Verdanson', 'le ruisseau des Aiguerelles', 'la Lironde', 'le Rieucoulon'];
const SCHOOLS = [
  'l’école Jules Ferry', 'l’école Léo Malet', 'le groupe scolaire Louis Pasteur', 'l’école Marie Curie', 'le collège Clémence Royer',
  'l’école Pape Carpentier', 'l’école Charles Daviler', 'le lycée Joffre', 'l’école Olympe de Gouges', 'la crèche Les Petits Loups',
];
const GYMS = ['le gymnase Bernard Jouanique', 'le gymnase Alain Achille', 'le gymnase Marcel Cerdan', 'la salle Guillaume de Nogaret', 'le gymnase Françoise Spinosi', 'le palais des sports René Bougnol'];
const VENUES = ['le Zénith Sud', 'la Sud de France Arena', 'le stade de la Mosson', 'le GGL Stadium', 'l’esplanade Charles-de-Gaulle', 'le Corum', 'la place de la Comédie', 'les berges du Lez'];
const GATHERINGS = ['la Fête de la musique', 'le FISE', 'la Comédie du Livre', 'le marathon de Montpellier', 'le feu d’artifice du 14 juillet', 'le festival Montpellier Danse', 'le match MHSC – OM', 'les Estivales', 'le concert au Zénith Sud', 'la fan zone'];
const TRAMS = ['la ligne 1 du tramway', 'la ligne 2 du tramway', 'la ligne 3 du tramway', 'la ligne 4 du tramway', 'la ligne 5 du tramway', 'le bus 6', 'le bus 11'];
const PEOPLE = ['M. Durand', 'Mme Martin', 'M. Bernard', 'Mme Petit', 'M. Robert', 'Mme Richard', 'M. Moreau', 'Mme Laurent', 'M. Garcia', 'Mme Roux', 'M. Fournier', 'Mme Girard'];

type Slot = (r: Rng) => string;
const pick = <T>(r: Rng, a: readonly T[]): T => a[Math.floor(r.uniform() * a.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r.uniform() * (hi - lo + 1));
const hour = (r: Rng) => `${String(int(r, 0, 23)).padStart(2, '0')} h ${String(int(r, 0, 11) * 5).padStart(2, '0')}`;

const slots: Record<string, Slot> = {
  place: (r) => pick(r, PLACES),
  street: (r) => pick(r, STREETS),
  river: (r) => pick(r, WATERWAYS),
  school: (r) => pick(r, SCHOOLS),
  gym: (r) => pick(r, GYMS),
  venue: (r) => pick(r, VENUES),
  gathering: (r) => pick(r, GATHERINGS),
  tram: (r) => pick(r, TRAMS),
  person: (r) => pick(r, PEOPLE),
  source: (r) => pick(r, SOURCES),
  fn: (r) => pick(r, FUNCTIONS),
  h: hour,
  n: (r) => String(int(r, 2, 60)),
  nn: (r) => String(int(r, 40, 900)),
  big: (r) => String(int(r, 2, 45) * 1000),
  cm: (r) => String(int(r, 10, 180)),
  deg: (r) => String(int(r, 35, 44)),
  pct: (r) => String(int(r, 3, 30)),
  day: (r) => pick(r, ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche']),
};

const TEMPLATES: Record<Situation, string[]> = {
  inondation: [
    'Montée des eaux rapide sur {river} à hauteur de {place} : {cm} cm relevés à {h}, vigilance orange pluie-inondation maintenue.',
    'Évacuation préventive de {n} habitations {street}, les familles sont orientées vers {gym} ouvert en centre d’hébergement.',
    'Fermeture de la voirie {street} par la police municipale, déviation mise en place par les services techniques.',
    'Le SDIS 34 signale {n} interventions en cours pour inondation de caves et sous-sols secteur {place}.',
    '{school} fermée demain matin, information des familles par SMS et affichage, accueil minimum organisé.',
    'Point de situation Vigicrues : pic de crue attendu vers {h} sur {river}, hauteur prévue {cm} cm au pont Juvénal.',
    'Demande de {n} lits de camp et couvertures auprès de la Croix-Rouge pour l’hébergement d’urgence à {gym}.',
    'Coupure d’électricité signalée par Enedis sur {place}, environ {nn} foyers concernés, rétablissement estimé à {h}.',
    'Pompage en cours dans le parking souterrain {street}, deux véhicules bloqués, aucun blessé.',
    'Décision du directeur des opérations : interdiction d’accès aux berges {river} jusqu’à nouvel ordre.',
    'Les équipes de nettoyage et désinfection interviendront {day} sur {place} après la décrue.',
    'Recensement des personnes vulnérables isolées {place} : {n} appels passés par le CCAS, {n} visites à prévoir.',
    'Arrêt de {tram} entre {place} et {place}, navettes de substitution demandées à TaM.',
    'Communiqué de presse validé : consignes de sécurité, ne pas circuler sur les routes submergées.',
  ],
  covid: [
    'Point ARS Occitanie : taux d’incidence de {nn} pour 100 000 habitants dans l’Hérault, hausse de {pct} % sur sept jours.',
    'Fermeture de {school} pour {n} cas positifs, continuité pédagogique organisée à distance.',
    'Ouverture du centre de vaccination au {venue}, capacité de {big} injections par semaine, renfort de {n} agents.',
    'Nouvelles consignes nationales : port du masque obligatoire dans les transports publics et les marchés de plein air.',
    'Organisation de la garde d’enfants des personnels prioritaires à {school}, {n} enfants inscrits.',
    'Distribution de {big} masques aux agents de la ville, stock restant suivi par la logistique.',
    'Plan de continuité d’activité activé à l’état civil : rendez-vous uniquement, {n} agents en télétravail.',
    'Appels de convivialité du CCAS auprès de {nn} personnes vulnérables inscrites au registre.',
    'Désinfection des locaux de la mairie annexe {place} après un cas confirmé parmi le personnel.',
    'Réunion de la cellule de crise à {h} en visioconférence avec la préfecture et l’ARS.',
    'Test antigénique organisé {place}, {nn} personnes dépistées, {n} résultats positifs.',
    'Restriction des déplacements : contrôles de la police municipale {street} avec la gendarmerie.',
    'Préparation des bureaux de vote pour les élections : sens de circulation, gel hydroalcoolique, assesseurs équipés.',
    'Veille épidémique : hausse des passages aux urgences pour syndrome grippal signalée par le SAMU 34.',
  ],
  canicule: [
    'Vigilance canicule orange : {deg} °C attendus {day}, déclenchement du plan canicule niveau 3.',
    'Ouverture de salles rafraîchies à {gym} et au {venue} de 11 h à 19 h.',
    'Appels quotidiens aux {nn} personnes vulnérables inscrites au registre du CCAS, {n} visites à domicile demandées.',
    'Distribution de bouteilles d’eau {place} par la Croix-Rouge et la cellule population.',
    'Horaires d’été pour les agents des services techniques et de la collecte des déchets, travail de 5 h à 12 h.',
    'Brumisateurs installés place de la Comédie et {place}, fontaines vérifiées par les services techniques.',
    'Malaise signalé {street}, prise en charge par le SDIS 34, personne âgée transportée au CHU.',
    'Fermeture anticipée de {school} à 14 h, garde d’enfants assurée jusqu’à 18 h.',
    'Message de prévention diffusé sur les panneaux lumineux et les réseaux sociaux de la ville.',
    'Pic de pollution à l’ozone : réduction de vitesse de 20 km/h et gratuité de {tram}.',
    'Point Météo-France à {h} : nuits tropicales, minimales de {deg} °C en centre-ville.',
  ],
  rassemblement: [
    'Préparation de {gathering} au {venue} : {big} personnes attendues, dispositif de sécurité validé en préfecture.',
    'Fermeture à la circulation {street} de {h} à {h}, barrières et blocs béton posés par les services techniques.',
    'Poste médical avancé installé {place} par la Croix-Rouge, {n} secouristes mobilisés.',
    'Affluence estimée à {big} personnes {place}, filtrage renforcé aux entrées.',
    'Enfant égaré signalé à {h} {place}, pris en charge au poste de commandement, parents retrouvés.',
    'Renfort de {tram} en fin de soirée, dernier départ à 2 h depuis {place}.',
    'Malaise d’un spectateur au {venue}, évacuation par le SAMU 34 sans difficulté.',
    'Fin de {gathering} à {h}, dispersion dans le calme, nettoyage du site {place} programmé à 6 h.',
    'Collecte des déchets renforcée : {n} bennes supplémentaires {place}.',
    'Rixe signalée {street}, intervention de la police municipale et de la police nationale, {n} interpellations.',
    'Point presse à {h} : bilan sans incident majeur, remerciements aux bénévoles.',
  ],
  tempete: [
    'Vigilance orange vent violent : rafales à {nn} km/h attendues sur le littoral et {place}.',
    'Chute d’arbre {street}, voie fermée, élagage par les services techniques en cours.',
    'Fermeture des parcs et jardins, dont le parc Méric et Lunaret, jusqu’à {h}.',
    'Toiture arrachée {place}, {n} personnes relogées en hébergement d’urgence à {gym}.',
    'Coupure d’électricité pour {big} foyers selon Enedis, priorité aux personnes vulnérables sous assistance respiratoire.',
    'Arrêt de {tram} suite à un arbre sur les caténaires {place}.',
    'Marchés de plein air annulés {day}, information des commerçants par la police municipale.',
  ],
  astreinte: [
    'Appel de {source} à {h} : {person} signale une fuite d’eau importante {street}.',
    'Relève d’astreinte à {h}, consignes transmises à {person}, aucun événement en cours.',
    'Décès signalé {place} en dehors des heures d’ouverture, état civil prévenu pour le lendemain.',
    'Incendie de véhicule {street}, SDIS 34 sur place, pas de propagation.',
    'Squat signalé dans un local communal {place}, intervention de la police municipale programmée.',
    'Panne de l’éclairage public {street}, signalement transmis aux services techniques.',
    'Point de situation avec le cadre d’astreinte de la préfecture à {h}.',
  ],
};

const ENDINGS = [
  '',
  '',
  '',
  ' Information transmise à {source}.',
  ' À suivre.',
  ' Prochain point à {h}.',
  ' Transmis à la cellule communication pour le site internet.',
  ' Validé par le directeur des opérations.',
  ' {person} reste joignable sur le numéro d’astreinte.',
];

const TAGS_OF: Record<Situation, string[]> = {
  inondation: ['hébergement d’urgence', 'personnes vulnérables', 'restriction des déplacements', 'nettoyage et désinfection', 'transports publics', 'décision', 'coordination', 'communication externe'],
  covid: ['veille épidémique', 'consignes nationales', 'garde d’enfants', 'continuité d’activité', 'ressources humaines', 'état civil', 'élections', 'personnes vulnérables', 'nettoyage et désinfection', 'restriction des déplacements', 'communication interne'],
  canicule: ['personnes vulnérables', 'veille épidémique', 'garde d’enfants', 'ressources humaines', 'collecte des déchets', 'communication externe', 'décision'],
  rassemblement: ['coordination', 'restriction des déplacements', 'transports publics', 'collecte des déchets', 'communication externe', 'décision'],
  tempete: ['restriction des déplacements', 'hébergement d’urgence', 'personnes vulnérables', 'transports publics', 'communication externe', 'décision'],
  astreinte: ['coordination', 'état civil', 'communication interne', 'collecte des déchets'],
};

function fill(r: Rng, template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => slots[k](r));
}

export interface GeneratedEntry {
  text: string;
  tags: string[];
  source: string | null;
  functionName: string | null;
  important: boolean;
}

export function generateEntry(r: Rng, situation: Situation): GeneratedEntry {
  const templates = TEMPLATES[situation];
  const sentences = 1 + (r.uniform() < 0.35 ? 1 : 0) + (r.uniform() < 0.1 ? 1 : 0);
  let text = '';
  for (let i = 0; i < sentences; i++) text += (i ? ' ' : '') + fill(r, pick(r, templates));
  text += fill(r, pick(r, ENDINGS));
  const nTags = r.uniform() < 0.3 ? 0 : r.uniform() < 0.7 ? 1 : r.uniform() < 0.8 ? 2 : 3;
  const pool = TAGS_OF[situation];
  const tags: string[] = [];
  for (let i = 0; i < nTags; i++) {
    const t = pick(r, pool);
    if (!tags.includes(t)) tags.push(t);
  }
  return {
    text,
    tags,
    source: r.uniform() < 0.6 ? pick(r, SOURCES) : null,
    functionName: r.uniform() < 0.75 ? pick(r, FUNCTIONS) : null,
    important: r.uniform() < 0.05,
  };
}

export const SITUATION_TITLES: Record<Situation, string[]> = {
  inondation: ['Épisode méditerranéen — crue du Lez', 'Inondations Mosson', 'Pluies intenses, vigilance rouge', 'Crue du Verdanson'],
  covid: ['COVID-19 — gestion de crise', 'COVID-19 — vaccination', 'Épidémie de grippe saisonnière', 'COVID-19 — reprise épidémique'],
  canicule: ['Canicule', 'Plan canicule niveau 3', 'Épisode de chaleur'],
  rassemblement: ['Fête de la musique', 'FISE', 'Comédie du Livre', 'Marathon de Montpellier', 'Feu d’artifice du 14 juillet', 'Fan zone'],
  tempete: ['Tempête', 'Vent violent', 'Orages et grêle'],
  astreinte: ['Astreinte de direction', 'Astreinte week-end', 'Permanence élus'],
};

/** Queries people type in the search box: words, stems, phrases, place names and partial words (trigram path). */
export const SEARCHES = [
  'inondation', 'inondations', 'évacuation', 'crue du Lez', 'hébergement d’urgence', 'gymnase', 'vaccination', 'masques',
  'masque obligatoire', 'école fermée', 'fermeture école', 'canicule', 'salles rafraîchies', 'personnes vulnérables', 'CCAS',
  'Croix-Rouge', 'Enedis coupure', 'coupure d’électricité', 'tramway', 'ligne 4', 'Fête de la musique', 'Zénith', 'malaise',
  'SAMU', 'rixe', 'interpellations', 'arbre', 'élagage', 'Celleneuve', 'Mosson', 'Port Marianne', 'Antigone', 'Figuerolles',
  '"centre d’hébergement"', '"vigilance orange"', 'préfecture ARS', 'télétravail', 'état civil', 'bureaux de vote', 'décès',
  'fuite d’eau', 'incendie véhicule', 'squat', 'éclairage public', 'Vigicrues', 'pont Juvénal', 'parking souterrain', 'pompage',
  'brumisateurs', 'ozone', 'gratuité', 'enfant égaré', 'poste médical avancé', 'blocs béton', 'bennes', 'désinfection',
  'dépistage', 'test antigénique', 'incidence', 'urgences grippe', 'garde d’enfants', 'continuité pédagogique', 'relève',
  'toiture arrachée', 'caténaires', 'marchés annulés', 'Durand', 'Mme Martin', 'Lunaret', 'Odysseum', 'Saint-Roch', 'bilan',
  'inond', 'évacu', 'désinf', 'hébergem', 'vaccin', 'canicul', 'rafraîch', 'gymn', 'Mendès', 'Pompignane', 'Aiguelongue',
  'caténair', 'brumis', 'antigén', 'élag', 'Juvén', 'Rondel', 'Tounis', 'arrach', 'Heidelberg', 'Las Sorbes', 'Marioge',
  'feu d’artifice', 'marathon', 'interdiction d’accès berges', 'navettes de substitution',
];
