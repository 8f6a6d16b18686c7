import { z } from 'zod';
import { isoDateTimeSchema, uuidSchema } from './common';

// Collecte: a prefecture asks the communes of its department for daily (or weekly) counts.

export const campaignPeriods = ['daily', 'weekly'] as const;
export type CampaignPeriod = (typeof campaignPeriods)[number];
export const campaignPeriodLabels: Record<CampaignPeriod, string> = { daily: 'Quotidienne', weekly: 'Hebdomadaire' };

export const campaignStatuses = ['draft', 'active', 'closed'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];
export const campaignStatusLabels: Record<CampaignStatus, string> = { draft: 'Brouillon', active: 'Ouverte', closed: 'Close' };

/** The sanity bound of an indicator when none is given. */
export const DEFAULT_INDICATOR_MAX = 10_000;
/** The key of the sum of every indicator (detection); never an indicator's own key. */
export const TOTAL_INDICATOR = 'total';

/** A calendar date, 'YYYY-MM-DD', that exists. */
export const isoDateSchema = z
  .string({ message: 'Date requise (AAAA-MM-JJ).' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Date invalide (format AAAA-MM-JJ).' })
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, { message: 'Cette date n’existe pas.' });

export const inseeCodeSchema = z.string({ message: 'Code INSEE requis.' }).regex(/^(\d{5}|2[AB]\d{3})$/, { message: 'Code INSEE invalide (5 caractères).' });

const deadlineSchema = z.string({ message: 'Heure limite requise (HH:MM).' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Heure limite invalide (HH:MM, heure de Paris).' });

export const indicatorKeySchema = z
  .string({ message: 'Clé requise.' })
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Clé invalide : minuscules, chiffres et « _ », 40 caractères au plus.' })
  .refine((k) => k !== TOTAL_INDICATOR, { message: 'La clé « total » est réservée à la somme des indicateurs.' });

export const indicatorInputSchema = z.strictObject({
  key: indicatorKeySchema,
  label: z.string({ message: 'Libellé requis.' }).trim().min(1, { message: 'Le libellé ne peut pas être vide.' }).max(120, { message: 'Libellé trop long (120 caractères au plus).' }),
  help: z.string().trim().max(1000, { message: 'Aide trop longue (1 000 caractères au plus).' }).default(''),
  max: z.number({ message: 'Maximum invalide.' }).int({ message: 'Le maximum doit être un entier.' }).min(1).max(1_000_000).default(DEFAULT_INDICATOR_MAX),
});

const indicatorsSchema = z
  .array(indicatorInputSchema, { message: 'Liste d’indicateurs requise.' })
  .min(1, { message: 'Au moins un indicateur.' })
  .max(30, { message: '30 indicateurs au plus.' })
  .refine((list) => new Set(list.map((i) => i.key)).size === list.length, { message: 'Deux indicateurs ont la même clé.' });

const communesSchema = z.array(inseeCodeSchema, { message: 'Liste de codes INSEE attendue.' }).min(1, { message: 'Au moins une commune.' }).max(1000);

const nameSchema = z.string({ message: 'Nom requis.' }).trim().min(1, { message: 'Le nom ne peut pas être vide.' }).max(200, { message: 'Nom trop long (200 caractères au plus).' });
const descriptionSchema = z.string({ message: 'Description invalide.' }).trim().max(4000, { message: 'Description trop longue (4 000 caractères au plus).' });

// ---- alert levels ----

/** Colour levels of a commune or of the department, lowest first. */
export const alertLevels = ['vert', 'jaune', 'orange', 'rouge'] as const;
export type AlertLevel = (typeof alertLevels)[number];
export const alertLevelLabels: Record<AlertLevel, string> = { vert: 'Vert', jaune: 'Jaune', orange: 'Orange', rouge: 'Rouge' };
/** The colours of the levels, on the dashboard and in the PDF report alike. */
export const alertLevelColors: Record<AlertLevel, string> = { vert: '#2e9e5b', jaune: '#f2c200', orange: '#ef7d00', rouge: '#c8102e' };
export const alertLevelRank = (l: AlertLevel): number => alertLevels.indexOf(l);
/** A new alarm: a level above the one of the period before. */
export const isNewAlarm = (c: { level: AlertLevel; previousLevel: AlertLevel }): boolean => alertLevelRank(c.level) > alertLevelRank(c.previousLevel);
/** What a rule measures over its window: the sum of counts, or that sum per 100,000 inhabitants. */
export const alertMetrics = ['count', 'rate'] as const;
export type AlertMetric = (typeof alertMetrics)[number];
export const alertMetricLabels: Record<AlertMetric, string> = { count: 'Nombre', rate: 'Taux pour 100 000 habitants' };
/** A rule applies to each commune, or to the department as a whole (sums over the communes asked). */
export const alertScopes = ['commune', 'department'] as const;
export type AlertScope = (typeof alertScopes)[number];
export const alertScopeLabels: Record<AlertScope, string> = { commune: 'Chaque commune', department: 'Département' };

/**
 * "Level `level` when the `metric` of `indicator` (or the total) over the last `window` periods
 * (days, or weeks for a weekly campaign) ending at the date is at least `threshold`."
 * The indicator must be one of the campaign's keys, or "total" (checked by the server).
 */
export const alertRuleSchema = z.strictObject({
  scope: z.enum(alertScopes, { message: 'Portée : « commune » ou « department ».' }).default('commune'),
  level: z.enum(['jaune', 'orange', 'rouge'], { message: 'Niveau : jaune, orange ou rouge.' }),
  indicator: z.string({ message: 'Indicateur requis.' }).regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Indicateur invalide.' }).default(TOTAL_INDICATOR),
  metric: z.enum(alertMetrics, { message: 'Mesure : « count » (nombre) ou « rate » (taux pour 100 000).' }),
  window: z.number({ message: 'Fenêtre invalide.' }).int({ message: 'La fenêtre est un nombre entier de périodes.' }).min(1, { message: 'Fenêtre d’au moins 1 période.' }).max(90, { message: 'Fenêtre de 90 périodes au plus.' }).default(7),
  threshold: z.number({ message: 'Seuil invalide.' }).finite().min(0, { message: 'Le seuil ne peut pas être négatif.' }).max(10_000_000, { message: 'Seuil trop grand.' }),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const alertSettingsSchema = z.strictObject({
  rules: z.array(alertRuleSchema, { message: 'Liste de règles attendue.' }).max(40, { message: '40 règles au plus.' }).default([]),
  /** The level a statistical alarm (detection module) gives a commune; "none": shown, no colour. */
  detectionLevel: z.enum(['none', 'jaune', 'orange', 'rouge'], { message: 'Niveau de la détection : none, jaune, orange ou rouge.' }).default('orange'),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;
export const DEFAULT_ALERT_SETTINGS: AlertSettings = { rules: [], detectionLevel: 'orange' };

export const createCampaignBodySchema = z.strictObject({
  name: nameSchema,
  description: descriptionSchema.default(''),
  period: z.enum(campaignPeriods, { message: 'Périodicité : « daily » ou « weekly ».' }),
  deadline: deadlineSchema,
  startDate: isoDateSchema,
  status: z.enum(['draft', 'active'], { message: 'Statut initial : « draft » ou « active ».' }).default('draft'),
  /** INSEE codes of current communes of the department; all of them when absent. */
  communes: communesSchema.optional(),
  indicators: indicatorsSchema,
  /** Alert rules; none (only the statistical detection, orange) when absent. */
  alerts: alertSettingsSchema.optional(),
});
export type CreateCampaignBody = z.infer<typeof createCampaignBodySchema>;

export const updateCampaignBodySchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    deadline: deadlineSchema.optional(),
    status: z.enum(campaignStatuses, { message: 'Statut invalide.' }).optional(),
    /** Only while the campaign is a draft. */
    communes: communesSchema.optional(),
    indicators: indicatorsSchema.optional(),
    /** Any time, whatever the status. */
    alerts: alertSettingsSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });
export type UpdateCampaignBody = z.infer<typeof updateCampaignBodySchema>;

export const indicatorSchema = z.object({ key: z.string(), label: z.string(), help: z.string(), max: z.number().int() });
export type Indicator = z.infer<typeof indicatorSchema>;

export const campaignSummarySchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  organisationName: z.string(),
  departmentCode: z.string(),
  name: z.string(),
  description: z.string(),
  period: z.enum(campaignPeriods),
  deadline: z.string(),
  startDate: z.string(),
  status: z.enum(campaignStatuses),
  indicators: z.array(indicatorSchema),
  communeCount: z.number().int(),
  alerts: alertSettingsSchema,
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type CampaignSummary = z.infer<typeof campaignSummarySchema>;
export const campaignsListSchema = z.object({ campaigns: z.array(campaignSummarySchema) });

export const campaignCommuneSchema = z.object({ inseeCode: z.string(), name: z.string(), population: z.number().int().nullable() });
export const campaignDetailSchema = campaignSummarySchema.extend({
  /** Every commune asked (for a commune organisation: its own only). */
  communes: z.array(campaignCommuneSchema),
});
export type CampaignDetail = z.infer<typeof campaignDetailSchema>;

// ---- declarations ----

export const declarationParamsSchema = z.strictObject({ id: uuidSchema, inseeCode: inseeCodeSchema, date: isoDateSchema });

/** Values are checked here for shape (non-negative integers), then against the campaign's indicators. */
export const declarationValuesSchema = z.record(
  z.string(),
  z.number({ message: 'Un nombre entier est attendu.' }).int({ message: 'Un nombre entier est attendu (pas de décimale).' }).min(0, { message: 'La valeur ne peut pas être négative.' }),
  { message: 'Valeurs attendues : un objet { indicateur: nombre }.' },
);

export const putDeclarationBodySchema = z.strictObject({
  values: declarationValuesSchema,
  /** Required when the declaration exists with other values (a correction). */
  reason: z.string({ message: 'Motif invalide.' }).trim().min(1, { message: 'Le motif ne peut pas être vide.' }).max(500, { message: 'Motif trop long (500 caractères au plus).' }).optional(),
  /** Confirms a value the server found unusual for this commune. */
  confirmUnusual: z.boolean({ message: 'Vrai ou faux attendu.' }).optional(),
});
export type PutDeclarationBody = z.infer<typeof putDeclarationBodySchema>;

export const declarationSchema = z.object({
  id: uuidSchema,
  campaignId: uuidSchema,
  inseeCode: z.string(),
  communeName: z.string(),
  date: z.string(),
  values: z.record(z.string(), z.number().int()),
  version: z.number().int(),
  declaredBy: z.string(),
  declaredAt: isoDateTimeSchema,
  updatedBy: z.string().nullable(),
  updatedAt: isoDateTimeSchema,
});
export type Declaration = z.infer<typeof declarationSchema>;

export const declarationsQuerySchema = z.strictObject({
  from: isoDateSchema,
  to: isoDateSchema,
  inseeCode: inseeCodeSchema.optional(),
});
export const declarationsListSchema = z.object({ declarations: z.array(declarationSchema) });

export const declarationHistorySchema = z.object({
  declaration: declarationSchema,
  corrections: z.array(
    z.object({
      version: z.number().int(),
      at: isoDateTimeSchema,
      by: z.string(),
      oldValues: z.record(z.string(), z.number().int()),
      newValues: z.record(z.string(), z.number().int()),
      reason: z.string(),
    }),
  ),
});
export type DeclarationHistory = z.infer<typeof declarationHistorySchema>;

/** Details of `unusual_value`: per indicator, the value sent and the commune's usual range. */
export const unusualValueDetailSchema = z.object({
  indicator: z.string(),
  label: z.string(),
  value: z.number().int(),
  usualMax: z.number().int(),
  limit: z.number().int(),
  historyDays: z.number().int(),
});
export type UnusualValueDetail = z.infer<typeof unusualValueDetailSchema>;

// ---- completeness ----

export const completenessQuerySchema = z.strictObject({ date: isoDateSchema });
export const completenessStatuses = ['answered', 'missing', 'late'] as const;
export const completenessSchema = z.object({
  campaignId: uuidSchema,
  date: z.string(),
  /** Local deadline of that period (Europe/Paris), and whether it has passed. */
  deadline: z.string(),
  deadlinePassed: z.boolean(),
  totals: z.object({ asked: z.number().int(), answered: z.number().int(), missing: z.number().int(), late: z.number().int() }),
  /** Sum of each indicator over the answers of that date. */
  valueTotals: z.record(z.string(), z.number().int()),
  communes: z.array(
    z.object({ inseeCode: z.string(), name: z.string(), population: z.number().int().nullable(), status: z.enum(completenessStatuses), declaredAt: isoDateTimeSchema.nullable() }),
  ),
  /** Late communes with the e-mails of their organisation's active accounts, for reminding; `people` adds names, functions and phones. */
  late: z.array(
    z.object({
      inseeCode: z.string(),
      name: z.string(),
      contacts: z.array(z.string()),
      people: z.array(z.object({ name: z.string(), email: z.string(), jobTitle: z.string(), phone: z.string() })),
    }),
  ),
});
export type Completeness = z.infer<typeof completenessSchema>;

// ---- detection ----

export const detectionQuerySchema = z.strictObject({
  inseeCode: inseeCodeSchema,
  /** An indicator's key, or "total" for the sum of every indicator (default). */
  indicator: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Indicateur invalide.' }).default(TOTAL_INDICATOR),
  /** How many of the last periods to evaluate. */
  days: z.coerce.number({ message: 'Nombre de jours invalide.' }).int({ message: 'Nombre entier attendu.' }).min(1).max(90).default(14),
});

export const detectionSchema = z.object({
  campaignId: uuidSchema,
  inseeCode: z.string(),
  communeName: z.string(),
  indicator: z.string(),
  indicatorLabel: z.string(),
  method: z.enum(['noufaily2013', 'earsC3']),
  methodDescription: z.string(),
  /** Periods from the commune's first declaration to the last date of the series. */
  historyLength: z.number().int(),
  /** The whole series; `value` null = not declared (missing, never zero). */
  series: z.array(z.object({ date: z.string(), value: z.number().int().nullable() })),
  points: z.array(
    z.object({
      date: z.string(),
      observed: z.number().nullable(),
      expected: z.number().nullable(),
      upperbound: z.number().nullable(),
      alarm: z.boolean().nullable(),
      explanation: z.string(),
    }),
  ),
});
export type Detection = z.infer<typeof detectionSchema>;

// ---- dashboard overview (map, levels, alarms) ----

export const indicatorOrTotalSchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Indicateur invalide.' }).default(TOTAL_INDICATOR);

/** Default window of the dashboard's "over 7 days" figures, in periods. */
export const OVERVIEW_WINDOW = 7;

export const overviewQuerySchema = z.strictObject({
  date: isoDateSchema,
  /** An indicator's key, or "total" (default) for the sum of every indicator. */
  indicator: indicatorOrTotalSchema,
});

/** Why a commune (or the department) has its level, in French, e.g. "Taux sur 7 jours : 45,2 pour 100 000 ≥ seuil rouge 40". */
export const alertReasonSchema = z.object({
  source: z.enum(['rule', 'detection']),
  level: z.enum(alertLevels),
  message: z.string(),
});
export type AlertReason = z.infer<typeof alertReasonSchema>;

/** Sum of the declared values over some periods; `rate` per 100,000 inhabitants (null without population). */
export const aggregateSchema = z.object({
  sum: z.number().int(),
  /** Periods (or commune-periods for the department) actually declared in the span. */
  answered: z.number().int(),
  /** Periods (or commune-periods) expected in the span. */
  expected: z.number().int(),
  rate: z.number().nullable(),
});
export type Aggregate = z.infer<typeof aggregateSchema>;

export const overviewCommuneSchema = z.object({
  inseeCode: z.string(),
  name: z.string(),
  population: z.number().int().nullable(),
  status: z.enum(completenessStatuses),
  /** The date's value (indicator or total); null = not declared, never 0. */
  value: z.number().int().nullable(),
  /** The OVERVIEW_WINDOW periods ending at the date. */
  window: aggregateSchema,
  /** From the campaign's start to the date. */
  period: aggregateSchema,
  level: z.enum(alertLevels),
  /** Level at the previous period: an alarm is "new" when `level` is above it. */
  previousLevel: z.enum(alertLevels),
  reasons: z.array(alertReasonSchema),
  /** The statistical detection at the date (stored result, refreshed after each declaration); null when not computed. */
  detection: z
    .object({
      method: z.enum(['noufaily2013', 'earsC3']),
      alarm: z.boolean().nullable(),
      expected: z.number().nullable(),
      upperbound: z.number().nullable(),
      explanation: z.string(),
    })
    .nullable(),
});
export type OverviewCommune = z.infer<typeof overviewCommuneSchema>;

export const overviewSchema = z.object({
  campaignId: uuidSchema,
  date: z.string(),
  indicator: z.string(),
  indicatorLabel: z.string(),
  windowPeriods: z.number().int(),
  department: z.object({
    code: z.string(),
    name: z.string(),
    population: z.number().int(),
    value: z.number().int(),
    window: aggregateSchema,
    period: aggregateSchema,
    level: z.enum(alertLevels),
    previousLevel: z.enum(alertLevels),
    reasons: z.array(alertReasonSchema),
    /** How many communes at each level. */
    levelCounts: z.record(z.enum(alertLevels), z.number().int()),
  }),
  communes: z.array(overviewCommuneSchema),
  /** When the stored detection shown was computed (null: never). */
  detectionUpdatedAt: isoDateTimeSchema.nullable(),
  /** Communes whose detection is waiting to be recomputed (a refresh is under way when > 0). */
  detectionPending: z.number().int(),
});
export type Overview = z.infer<typeof overviewSchema>;

// ---- department totals over time ----

export const totalsQuerySchema = z.strictObject({ from: isoDateSchema, to: isoDateSchema });
export const totalsSchema = z.object({
  campaignId: uuidSchema,
  /** One row per period of the span, oldest first, including periods nobody answered. */
  periods: z.array(
    z.object({
      date: z.string(),
      answered: z.number().int(),
      asked: z.number().int(),
      /** Sum of each indicator over the answers. */
      values: z.record(z.string(), z.number().int()),
      total: z.number().int(),
    }),
  ),
});
export type Totals = z.infer<typeof totalsSchema>;

/** The morning report (PDF): a date. */
export const reportQuerySchema = z.strictObject({ date: isoDateSchema });

// ---- interoperability: exports and back-filling import ----

export const collectionExportQuerySchema = z.strictObject({ from: isoDateSchema, to: isoDateSchema });

/**
 * Options of a CSV import (query string of the upload). `reason`: the reason written in the history
 * of every declaration the file changes (required when it changes any). `dryRun`: check only.
 */
export const importQuerySchema = z.strictObject({
  reason: z.string({ message: 'Motif invalide.' }).trim().min(1, { message: 'Le motif ne peut pas être vide.' }).max(500, { message: 'Motif trop long (500 caractères au plus).' }).optional(),
  dryRun: z.enum(['true', 'false'], { message: 'dryRun : true ou false.' }).transform((v) => v === 'true').optional(),
});

export const importResultSchema = z.object({
  campaignId: uuidSchema,
  dryRun: z.boolean(),
  /** Data lines read. */
  lines: z.number().int(),
  created: z.number().int(),
  corrected: z.number().int(),
  unchanged: z.number().int(),
  communes: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** One problem of an import (details of `import_invalid`): line 1 is the header. */
export const importIssueSchema = z.object({ line: z.number().int(), column: z.string().optional(), code: z.string(), message: z.string() });
export type ImportIssue = z.infer<typeof importIssueSchema>;

/** The fixed columns of the collection CSV (export and import), before one column per indicator key. */
export const COLLECTION_CSV_COLUMNS = ['date', 'code_insee', 'commune'] as const;
/** Columns the export adds after the indicators; the import accepts and ignores them. */
export const COLLECTION_CSV_INFO_COLUMNS = ['total', 'version', 'declare_par', 'declare_le', 'modifie_par', 'modifie_le'] as const;
