import { z } from 'zod';
import { uuidSchema } from './common';

// Situation analysis ("analyse de situation à risque"): a form per event type, pinned at the top
// of each event of that type; every update is a new immutable version.

export const situationFieldTypes = ['text', 'number', 'choice', 'date'] as const;
export type SituationFieldType = (typeof situationFieldTypes)[number];
export const situationFieldTypeLabels: Record<SituationFieldType, string> = { text: 'Texte', number: 'Nombre', choice: 'Choix', date: 'Date' };

export const situationFieldSchema = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Clé : lettres minuscules, chiffres et _ (40 au plus).' }),
    label: z.string().trim().min(1, { message: 'Libellé requis.' }).max(80, { message: 'Libellé trop long (80 caractères au plus).' }),
    type: z.enum(situationFieldTypes, { message: 'Type de champ inconnu.' }),
    required: z.boolean().default(false),
    help: z.string().trim().max(200).default(''),
    options: z.array(z.string().trim().min(1).max(60)).max(20).default([]),
  })
  .refine((f) => f.type !== 'choice' || f.options.length >= 2, { message: 'Un champ à choix a au moins deux options.', path: ['options'] });
export type SituationField = z.infer<typeof situationFieldSchema>;

export const situationFieldsSchema = z
  .array(situationFieldSchema)
  .min(1, { message: 'Le formulaire a au moins un champ.' })
  .max(30, { message: '30 champs au plus.' })
  .refine((fs) => new Set(fs.map((f) => f.key)).size === fs.length, { message: 'Deux champs ont la même clé.' });

/** The form of a type that has none of its own. */
export const defaultSituationFields: SituationField[] = [
  { key: 'risque', label: 'Risque', type: 'text', required: true, help: 'Nature du risque ou de l’événement', options: [] },
  { key: 'enjeux', label: 'Enjeux', type: 'text', required: false, help: 'Ce qui est menacé : quartiers, réseaux, établissements', options: [] },
  { key: 'personnes_exposees', label: 'Personnes exposées', type: 'number', required: false, help: 'Estimation', options: [] },
  { key: 'personnes_vulnerables', label: 'Personnes vulnérables', type: 'number', required: false, help: 'Recensées au registre ou signalées', options: [] },
  { key: 'moyens_engages', label: 'Moyens engagés', type: 'text', required: false, help: '', options: [] },
  { key: 'tendance', label: 'Tendance', type: 'choice', required: true, help: '', options: ['Amélioration', 'Stable', 'Aggravation'] },
  { key: 'prochain_point', label: 'Prochain point de situation', type: 'date', required: false, help: 'Date et heure', options: [] },
];

export const situationFormSchema = z.object({ eventTypeId: uuidSchema, fields: z.array(situationFieldSchema), custom: z.boolean(), updatedAt: z.string().nullable() });
export type SituationForm = z.infer<typeof situationFormSchema>;
export const putSituationFormBodySchema = z.strictObject({ fields: situationFieldsSchema });

export const situationValueSchema = z.union([z.string().max(2000), z.number(), z.null()]);
export type SituationValue = z.infer<typeof situationValueSchema>;

export const situationVersionSchema = z.object({
  id: uuidSchema,
  version: z.number().int(),
  severity: z.number().int().min(1).max(4),
  fields: z.array(situationFieldSchema),
  values: z.record(z.string(), situationValueSchema),
  authorName: z.string(),
  createdAt: z.string(),
});
export type SituationVersion = z.infer<typeof situationVersionSchema>;

export const situationSchema = z.object({
  eventId: uuidSchema,
  /** The form that applies now (the event type's). */
  fields: z.array(situationFieldSchema),
  /** Newest first. */
  versions: z.array(situationVersionSchema),
});
export type Situation = z.infer<typeof situationSchema>;

export const putSituationBodySchema = z.strictObject({
  severity: z.number({ message: 'Gravité requise.' }).int().min(1, { message: 'Gravité : 1 (vert) à 4 (rouge).' }).max(4, { message: 'Gravité : 1 (vert) à 4 (rouge).' }),
  values: z.record(z.string().max(40), situationValueSchema),
  /** The version the form was filled from (null for the first): a newer one means someone else updated it meanwhile. */
  basedOnVersion: z.number().int().min(0).max(10_000).nullable(),
});
export type PutSituationBody = z.infer<typeof putSituationBodySchema>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Checks values against the form: each problem in French, by field key. Shared by the server
 * (which refuses) and the form (which shows them before sending).
 */
export function checkSituationValues(fields: readonly SituationField[], values: Record<string, SituationValue>): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const known = new Set(fields.map((f) => f.key));
  for (const k of Object.keys(values)) if (!known.has(k)) problems.push({ path: `values.${k}`, message: 'Champ inconnu dans ce formulaire.' });
  for (const f of fields) {
    const v = values[f.key];
    const empty = v === undefined || v === null || v === '';
    if (empty) {
      if (f.required) problems.push({ path: `values.${f.key}`, message: `« ${f.label} » est obligatoire.` });
      continue;
    }
    switch (f.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path: `values.${f.key}`, message: `« ${f.label} » doit être un nombre.` });
        break;
      case 'choice':
        if (typeof v !== 'string' || !f.options.includes(v)) problems.push({ path: `values.${f.key}`, message: `« ${f.label} » : choisissez parmi ${f.options.join(', ')}.` });
        break;
      case 'date':
        if (typeof v !== 'string' || !DATE_RE.test(v) || Number.isNaN(Date.parse(v))) problems.push({ path: `values.${f.key}`, message: `« ${f.label} » doit être une date.` });
        break;
      case 'text':
        if (typeof v !== 'string') problems.push({ path: `values.${f.key}`, message: `« ${f.label} » doit être un texte.` });
        break;
    }
  }
  return problems;
}
