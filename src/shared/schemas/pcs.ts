import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';

// Plan communal de sauvegarde (PCS): risks and reflex sheets, crisis directory and on-call rota,
// alert means, resources ("moyens"), sensitive sites, register of vulnerable people, upkeep.
// One definition for the routes, the import and the web forms.

const text = (max: number, label: string) => z.string().trim().max(max, { message: `${label} trop long (${max.toLocaleString('fr-FR')} caractères au plus).` });
const name = (max: number, label: string) =>
  z.string({ message: `${label} requis.` }).trim().min(1, { message: `${label} requis.` }).max(max, { message: `${label} trop long (${max} caractères au plus).` });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Date au format AAAA-MM-JJ.' });
const lon = z.number({ message: 'Longitude : un nombre.' }).min(-180, { message: 'Longitude entre -180 et 180.' }).max(180, { message: 'Longitude entre -180 et 180.' });
const lat = z.number({ message: 'Latitude : un nombre.' }).min(-90, { message: 'Latitude entre -90 et 90.' }).max(90, { message: 'Latitude entre -90 et 90.' });
const capacity = z.number().int({ message: 'Capacité : un nombre entier.' }).min(0, { message: 'Capacité positive.' }).max(1_000_000);

// ---- resources ("moyens") ----

export const resourceKinds = ['vehicle', 'equipment', 'room', 'shelter', 'team'] as const;
export type ResourceKind = (typeof resourceKinds)[number];
export const resourceKindLabels: Record<ResourceKind, string> = {
  vehicle: 'Véhicule',
  equipment: 'Matériel',
  room: 'Salle',
  shelter: 'Centre d’hébergement',
  team: 'Équipe',
};
export const resourceStatuses = ['available', 'engaged', 'unavailable'] as const;
export type ResourceStatus = (typeof resourceStatuses)[number];
export const resourceStatusLabels: Record<ResourceStatus, string> = { available: 'Disponible', engaged: 'Engagé', unavailable: 'Indisponible' };

export const resourceSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: z.enum(resourceKinds),
  status: z.enum(resourceStatuses),
  address: z.string(),
  /** WGS 84; null when the resource has no fixed place. */
  position: z.object({ lon: z.number(), lat: z.number() }).nullable(),
  capacity: z.number().int().nullable(),
  occupancy: z.number().int(),
  note: z.string(),
  /** The event it is engaged on: its title only when the person asking sees that event. */
  engagedEvent: z.object({ id: uuidSchema.nullable(), title: z.string() }).nullable(),
  engagedAt: z.string().nullable(),
  engagedByName: z.string().nullable(),
  archived: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type Resource = z.infer<typeof resourceSchema>;
export const resourcesListSchema = z.object({ resources: z.array(resourceSchema) });

export const resourcesQuerySchema = z.strictObject({
  kind: z.enum(resourceKinds).optional(),
  status: z.enum(resourceStatuses).optional(),
  /** Only those engaged on this event. */
  eventId: uuidSchema.optional(),
  archived: z.enum(['true', 'false']).default('false'),
});

const positionSchema = z.strictObject({ lon, lat });

export const resourceFieldsSchema = z.strictObject({
  name: name(120, 'Nom'),
  kind: z.enum(resourceKinds, { message: 'Type de moyen inconnu.' }),
  address: text(300, 'Adresse').default(''),
  position: positionSchema.nullable().default(null),
  capacity: capacity.nullable().default(null),
  note: text(1000, 'Note').default(''),
});
export const createResourceBodySchema = resourceFieldsSchema;
export type CreateResourceBody = z.infer<typeof createResourceBodySchema>;

export const updateResourceBodySchema = z
  .strictObject({
    name: name(120, 'Nom').optional(),
    kind: z.enum(resourceKinds, { message: 'Type de moyen inconnu.' }).optional(),
    address: text(300, 'Adresse').optional(),
    position: positionSchema.nullable().optional(),
    capacity: capacity.nullable().optional(),
    note: text(1000, 'Note').optional(),
    /** Available ⇄ unavailable (engaging goes through engage / release). */
    status: z.enum(['available', 'unavailable'], { message: 'Pour engager ou libérer un moyen, utilisez « Engager » ou « Libérer ».' }).optional(),
    archived: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });
export type UpdateResourceBody = z.infer<typeof updateResourceBodySchema>;

export const engageResourceBodySchema = z.strictObject({
  eventId: uuidSchema,
  note: text(500, 'Note').default(''),
});
export type EngageResourceBody = z.infer<typeof engageResourceBodySchema>;

export const releaseResourceBodySchema = z.strictObject({ note: text(500, 'Note').default('') });

export const setOccupancyBodySchema = z.strictObject({
  occupancy: z.number({ message: 'Nombre de personnes requis.' }).int({ message: 'Nombre entier de personnes.' }).min(0, { message: 'Nombre de personnes positif.' }).max(1_000_000),
  /** Required to go over the shelter's capacity (written in the main courante). */
  reason: text(500, 'Motif').default(''),
});
export type SetOccupancyBody = z.infer<typeof setOccupancyBodySchema>;

// ---- risks and reflex sheets ----

export const reflexSheetSchema = z.object({
  id: uuidSchema,
  riskId: uuidSchema,
  title: z.string(),
  functionId: uuidSchema,
  functionName: z.string(),
  steps: z.array(z.string()),
});
export type ReflexSheet = z.infer<typeof reflexSheetSchema>;

export const riskSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  description: z.string(),
  sheets: z.array(reflexSheetSchema),
});
export type Risk = z.infer<typeof riskSchema>;
export const risksListSchema = z.object({ risks: z.array(riskSchema) });

/** A reflex sheet started in an event, with its steps as the event's actions. */
export const reflexRunSchema = z.object({
  id: uuidSchema,
  sheetId: uuidSchema,
  title: z.string(),
  functionName: z.string(),
  startedByName: z.string(),
  startedAt: z.string(),
  steps: z.array(
    z.object({
      position: z.number().int(),
      text: z.string(),
      actionId: uuidSchema,
      entrySeq: z.number().int(),
      status: z.enum(['todo', 'doing', 'done', 'cancelled']),
      canChange: z.boolean(),
    }),
  ),
});
export type ReflexRun = z.infer<typeof reflexRunSchema>;

/** What the event page shows: the event's risk, its sheets (proposed), and those started. */
export const eventReflexSheetsSchema = z.object({
  risk: z.object({ id: uuidSchema, name: z.string() }).nullable(),
  proposed: z.array(reflexSheetSchema),
  runs: z.array(reflexRunSchema),
});
export type EventReflexSheets = z.infer<typeof eventReflexSheetsSchema>;

export const reflexSheetParamsSchema = z.strictObject({ id: uuidSchema, sheetId: uuidSchema });

// ---- directory, on-call rota, alert means ----

export const contactSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  service: z.string(),
  functionLabel: z.string(),
  phone: z.string(),
  phoneAlt: z.string(),
  email: z.string(),
  notes: z.string(),
  /** On call right now, on these lines. */
  onCallNow: z.array(z.string()),
});
export type PlanContact = z.infer<typeof contactSchema>;

export const oncallShiftSchema = z.object({
  id: uuidSchema,
  contactId: uuidSchema,
  contactName: z.string(),
  phone: z.string(),
  line: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
});
export type OncallShift = z.infer<typeof oncallShiftSchema>;

export const alertMeanSchema = z.object({ id: uuidSchema, name: z.string(), coverage: z.string(), rules: z.string() });
export type AlertMean = z.infer<typeof alertMeanSchema>;

export const directorySchema = z.object({
  contacts: z.array(contactSchema),
  /** Shifts that have not ended, soonest first. */
  oncall: z.array(oncallShiftSchema),
  alertMeans: z.array(alertMeanSchema),
});
export type Directory = z.infer<typeof directorySchema>;

// ---- sensitive sites ----

export const siteKinds = ['school', 'daycare', 'nursing_home', 'hospital', 'public_building', 'industrial', 'other'] as const;
export type SiteKind = (typeof siteKinds)[number];
export const siteKindLabels: Record<SiteKind, string> = {
  school: 'École',
  daycare: 'Crèche',
  nursing_home: 'EHPAD / maison de retraite',
  hospital: 'Établissement de santé',
  public_building: 'Établissement recevant du public',
  industrial: 'Site industriel',
  other: 'Autre site sensible',
};

export const siteSchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: z.enum(siteKinds),
  address: z.string(),
  position: z.object({ lon: z.number(), lat: z.number() }),
  capacity: z.number().int().nullable(),
  phone: z.string(),
  notes: z.string(),
});
export type Site = z.infer<typeof siteSchema>;
export const sitesListSchema = z.object({ sites: z.array(siteSchema) });

// ---- register of vulnerable people (restricted) ----

export const vulnerablePersonFieldsSchema = z.strictObject({
  fullName: name(160, 'Nom'),
  address: text(300, 'Adresse').default(''),
  phone: text(40, 'Téléphone').default(''),
  vulnerability: text(500, 'Vulnérabilité').default(''),
  needs: text(1000, 'Besoins').default(''),
  contact: text(300, 'Personne à prévenir').default(''),
});
export type VulnerablePersonFields = z.infer<typeof vulnerablePersonFieldsSchema>;
export const vulnerablePersonSchema = z.object({
  id: uuidSchema,
  fullName: z.string(),
  address: z.string(),
  phone: z.string(),
  vulnerability: z.string(),
  needs: z.string(),
  contact: z.string(),
  updatedAt: z.string(),
});
export type VulnerablePerson = z.infer<typeof vulnerablePersonSchema>;
export const vulnerablePeopleListSchema = z.object({ people: z.array(vulnerablePersonSchema) });

// ---- plan overview and upkeep ----

export const upkeepReminderKinds = ['revision', 'exercise'] as const;
export const planOverviewSchema = z.object({
  lastRevisionOn: z.string().nullable(),
  lastExerciseOn: z.string().nullable(),
  /** Dates by which the next revision and exercise are due (five years after the last one). */
  revisionDueOn: z.string().nullable(),
  exerciseDueOn: z.string().nullable(),
  /** Due within six months, overdue or never recorded: what the home page and the plan page show. */
  reminders: z.array(z.object({ kind: z.enum(upkeepReminderKinds), level: z.enum(['soon', 'overdue', 'missing']), message: z.string() })),
  counts: z.object({
    risks: z.number().int(),
    sheets: z.number().int(),
    contacts: z.number().int(),
    alertMeans: z.number().int(),
    resources: z.number().int(),
    sites: z.number().int(),
  }),
  /** Whether the person may read the register of vulnerable people (its size is not given otherwise). */
  vulnerableAccess: z.boolean(),
  canManage: z.boolean(),
});
export type PlanOverview = z.infer<typeof planOverviewSchema>;

export const updateUpkeepBodySchema = z
  .strictObject({ lastRevisionOn: isoDate.nullable().optional(), lastExerciseOn: isoDate.nullable().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

// ---- import / export (JSON of the whole plan; CSV of the directory and of the resources) ----

/** The plan as a city brings it in (or takes it out). Never holds the register of vulnerable people. */
export const planDocumentSchema = z.strictObject({
  format: z.literal('vigie-pcs', { message: 'Ce fichier n’est pas un plan exporté par Vigie (« format »: "vigie-pcs" attendu).' }),
  version: z.literal(1, { message: 'Version de format inconnue (1 attendue).' }),
  upkeep: z.strictObject({ lastRevisionOn: isoDate.nullable().default(null), lastExerciseOn: isoDate.nullable().default(null) }).optional(),
  risks: z
    .array(
      z.strictObject({
        name: name(120, 'Nom du risque'),
        description: text(2000, 'Description').default(''),
        sheets: z
          .array(
            z.strictObject({
              title: name(160, 'Titre de la fiche'),
              function: name(80, 'Fonction'),
              steps: z.array(name(500, 'Étape')).min(1, { message: 'Une fiche réflexe a au moins une étape.' }).max(60, { message: '60 étapes au plus par fiche.' }),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  contacts: z
    .array(
      z.strictObject({
        name: name(120, 'Nom'),
        service: text(120, 'Service').default(''),
        function: text(120, 'Fonction').default(''),
        phone: text(40, 'Téléphone').default(''),
        phoneAlt: text(40, 'Téléphone 2').default(''),
        email: text(254, 'Courriel').default(''),
        notes: text(1000, 'Notes').default(''),
      }),
    )
    .default([]),
  oncall: z
    .array(z.strictObject({ contact: name(120, 'Contact'), line: name(80, 'Ligne d’astreinte'), startsAt: isoDateTimeSchema, endsAt: isoDateTimeSchema }))
    .default([]),
  alertMeans: z.array(z.strictObject({ name: name(120, 'Nom'), coverage: text(500, 'Couverture').default(''), rules: text(2000, 'Règles').default('') })).default([]),
  resources: z.array(resourceFieldsSchema).default([]),
  sites: z
    .array(
      z.strictObject({
        name: name(160, 'Nom'),
        kind: z.enum(siteKinds, { message: 'Type de site inconnu.' }),
        address: text(300, 'Adresse').default(''),
        position: positionSchema,
        capacity: capacity.nullable().default(null),
        phone: text(40, 'Téléphone').default(''),
        notes: text(1000, 'Notes').default(''),
      }),
    )
    .default([]),
});
export type PlanDocument = z.infer<typeof planDocumentSchema>;

export const planImportResultSchema = z.object({
  created: z.record(z.string(), z.number().int()),
  updated: z.record(z.string(), z.number().int()),
});
export type PlanImportResult = z.infer<typeof planImportResultSchema>;

export const csvImportKinds = ['contacts', 'resources'] as const;
export const csvImportQuerySchema = z.strictObject({ kind: z.enum(csvImportKinds, { message: 'Import CSV : « contacts » ou « resources ».' }) });
export const csvExportQuerySchema = csvImportQuerySchema;

/** Columns of the CSV files (export and import), French spreadsheet style. */
export const CONTACTS_CSV_COLUMNS = ['nom', 'service', 'fonction', 'telephone', 'telephone_2', 'courriel', 'notes'] as const;
export const RESOURCES_CSV_COLUMNS = ['nom', 'type', 'adresse', 'longitude', 'latitude', 'capacite', 'note'] as const;

// ---- editing the plan item by item (administrators and coordinators) ----

export const riskFieldsSchema = z.strictObject({ name: name(120, 'Nom du risque'), description: text(2000, 'Description').default('') });
export const updateRiskBodySchema = z
  .strictObject({ name: name(120, 'Nom du risque').optional(), description: text(2000, 'Description').optional(), archived: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

const stepsSchema = z.array(name(500, 'Étape')).min(1, { message: 'Une fiche réflexe a au moins une étape.' }).max(60, { message: '60 étapes au plus par fiche.' });
export const reflexSheetFieldsSchema = z.strictObject({ title: name(160, 'Titre de la fiche'), functionId: uuidSchema, steps: stepsSchema });
export const updateReflexSheetBodySchema = z
  .strictObject({ title: name(160, 'Titre de la fiche').optional(), functionId: uuidSchema.optional(), steps: stepsSchema.optional(), archived: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

const contactFields = {
  name: name(120, 'Nom'),
  service: text(120, 'Service'),
  functionLabel: text(120, 'Fonction'),
  phone: text(40, 'Téléphone'),
  phoneAlt: text(40, 'Téléphone 2'),
  email: text(254, 'Courriel'),
  notes: text(1000, 'Notes'),
};
export const contactFieldsSchema = z.strictObject({
  name: contactFields.name,
  service: contactFields.service.default(''),
  functionLabel: contactFields.functionLabel.default(''),
  phone: contactFields.phone.default(''),
  phoneAlt: contactFields.phoneAlt.default(''),
  email: contactFields.email.default(''),
  notes: contactFields.notes.default(''),
});
export const updateContactBodySchema = z
  .strictObject({
    name: contactFields.name.optional(),
    service: contactFields.service.optional(),
    functionLabel: contactFields.functionLabel.optional(),
    phone: contactFields.phone.optional(),
    phoneAlt: contactFields.phoneAlt.optional(),
    email: contactFields.email.optional(),
    notes: contactFields.notes.optional(),
    archived: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

export const oncallShiftFieldsSchema = z
  .strictObject({ contactId: uuidSchema, line: name(80, 'Ligne d’astreinte'), startsAt: isoDateTimeSchema, endsAt: isoDateTimeSchema })
  .refine((v) => new Date(v.endsAt) > new Date(v.startsAt), { message: 'La fin de l’astreinte doit suivre son début.', path: ['endsAt'] });

export const alertMeanFieldsSchema = z.strictObject({ name: name(120, 'Nom'), coverage: text(500, 'Couverture').default(''), rules: text(2000, 'Règles').default('') });
export const updateAlertMeanBodySchema = z
  .strictObject({ name: name(120, 'Nom').optional(), coverage: text(500, 'Couverture').optional(), rules: text(2000, 'Règles').optional(), archived: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

export const siteFieldsSchema = z.strictObject({
  name: name(160, 'Nom'),
  kind: z.enum(siteKinds, { message: 'Type de site inconnu.' }),
  address: text(300, 'Adresse').default(''),
  position: positionSchema,
  capacity: capacity.nullable().default(null),
  phone: text(40, 'Téléphone').default(''),
  notes: text(1000, 'Notes').default(''),
});
export const updateSiteBodySchema = z
  .strictObject({
    name: name(160, 'Nom').optional(),
    kind: z.enum(siteKinds, { message: 'Type de site inconnu.' }).optional(),
    address: text(300, 'Adresse').optional(),
    position: positionSchema.optional(),
    capacity: capacity.nullable().optional(),
    phone: text(40, 'Téléphone').optional(),
    notes: text(1000, 'Notes').optional(),
    archived: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });

/** What an item-by-item write answers: its id (the page reloads its list, live for everyone by `plan.changed`). */
export const planItemSchema = z.object({ id: uuidSchema });
