import { z } from 'zod';
import { roles } from '../permissions';
import { isoDateTimeSchema, passwordSchema, uuidSchema } from './common';

// Bringing communes on board: a prefecture imports a CSV of commune contacts (mayor, clerk...),
// each becomes an account of its commune's organisation with a one-time activation link.

/** Columns of the contacts CSV, in any order; `fonction`, `telephone` and `role` may be absent. */
export const CONTACTS_CSV_COLUMNS = ['code_insee', 'nom', 'email', 'fonction', 'telephone', 'role'] as const;
export const CONTACTS_CSV_REQUIRED = ['code_insee', 'nom', 'email'] as const;

/** French role names accepted in the CSV's `role` column (default: contributeur). */
export const roleCsvNames: Record<string, (typeof roles)[number]> = {
  administrateur: 'administrator',
  coordinateur: 'coordinator',
  contributeur: 'contributor',
  lecteur: 'reader',
};

export const contactStatuses = ['pending', 'expired', 'active', 'disabled'] as const;
export type ContactStatus = (typeof contactStatuses)[number];
export const contactStatusLabels: Record<ContactStatus, string> = {
  pending: 'Lien envoyé, pas encore activé',
  expired: 'Lien expiré',
  active: 'Compte activé',
  disabled: 'Compte désactivé',
};

export const contactSchema = z.object({
  userId: uuidSchema,
  organisationId: uuidSchema,
  inseeCode: z.string(),
  communeName: z.string(),
  displayName: z.string(),
  email: z.string(),
  jobTitle: z.string(),
  phone: z.string(),
  role: z.enum(roles),
  status: z.enum(contactStatuses),
  invitedAt: isoDateTimeSchema,
  /** When the current link was handed out, and until when it works (null once activated). */
  linkAt: isoDateTimeSchema,
  expiresAt: isoDateTimeSchema.nullable(),
  linksSent: z.number().int(),
  activatedAt: isoDateTimeSchema.nullable(),
  lastLoginAt: isoDateTimeSchema.nullable(),
});
export type Contact = z.infer<typeof contactSchema>;

export const contactsListSchema = z.object({
  contacts: z.array(contactSchema),
  /** The department's communes and how far they are on board. */
  communes: z.object({
    total: z.number().int(),
    /** With at least one activated account. */
    active: z.number().int(),
    /** Invited, nobody activated yet. */
    pending: z.number().int(),
    /** Nobody invited yet (and no account of their own). */
    none: z.number().int(),
  }),
  /** Communes of the department without any activated account: who to call. */
  notOnBoard: z.array(z.object({ inseeCode: z.string(), name: z.string(), invited: z.number().int() })),
});
export type ContactsList = z.infer<typeof contactsListSchema>;

/** A link handed out: shown once, only its SHA-256 is stored. */
export const activationLinkSchema = z.object({
  userId: uuidSchema,
  inseeCode: z.string(),
  communeName: z.string(),
  displayName: z.string(),
  email: z.string(),
  url: z.string(),
  expiresAt: isoDateTimeSchema,
});
export type ActivationLink = z.infer<typeof activationLinkSchema>;

export const contactsImportResultSchema = z.object({
  /** Data lines read. */
  lines: z.number().int(),
  created: z.number().int(),
  /** Lines whose contact already had an account in that commune (nothing changed). */
  existing: z.number().int(),
  organisationsCreated: z.number().int(),
  /** The new contacts' activation links (shown once). */
  links: z.array(activationLinkSchema),
});
export type ContactsImportResult = z.infer<typeof contactsImportResultSchema>;

export const renewLinkResultSchema = z.object({ contact: contactSchema, link: activationLinkSchema });

/** The token travels in the page's fragment and in request bodies, never in a URL the server logs. */
const tokenSchema = z
  .string({ message: 'Lien d’activation requis.' })
  .regex(/^[A-Za-z0-9_-]{43}$/, { message: 'Lien d’activation invalide : vérifiez qu’il est complet.' });

export const activationCheckBodySchema = z.strictObject({ token: tokenSchema });
export const activationInfoSchema = z.object({
  email: z.string(),
  displayName: z.string(),
  organisationName: z.string(),
  communeName: z.string(),
  expiresAt: isoDateTimeSchema,
});
export type ActivationInfo = z.infer<typeof activationInfoSchema>;

export const activateBodySchema = z.strictObject({ token: tokenSchema, password: passwordSchema });
