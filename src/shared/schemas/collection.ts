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
  /** Late communes with the e-mails of their organisation's active accounts, for reminding. */
  late: z.array(z.object({ inseeCode: z.string(), name: z.string(), contacts: z.array(z.string()) })),
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
