import { z } from 'zod';
import { organisationKinds, permissions, roles } from '../permissions';
import { emailSchema, passwordSchema, uuidSchema } from './common';

export const loginBodySchema = z.strictObject({
  email: emailSchema,
  // No length rule at login: the account's stored hash decides.
  password: z.string({ message: 'Mot de passe requis.' }).min(1, { message: 'Mot de passe requis.' }).max(256),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1, { message: 'Mot de passe actuel requis.' }).max(256),
  newPassword: passwordSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

export const organisationSummarySchema = z.object({
  id: uuidSchema,
  name: z.string(),
  kind: z.enum(organisationKinds),
  inseeCode: z.string().nullable(),
  departmentCode: z.string().nullable(),
});
export type OrganisationSummary = z.infer<typeof organisationSummarySchema>;

export const sessionUserSchema = z.object({
  id: uuidSchema,
  email: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  mustChangePassword: z.boolean(),
});

export const sessionSchema = z.object({
  user: sessionUserSchema,
  organisation: organisationSummarySchema,
  permissions: z.array(z.enum(permissions)),
  csrfToken: z.string(),
  expiresAt: z.string(),
  /** Set for a guest invited to one event by link (no account): where the guest may go. */
  guest: z
    .object({ eventId: uuidSchema, eventTitle: z.string(), hostOrganisation: z.string(), access: z.enum(['read', 'write']), includeChildren: z.boolean(), name: z.string() })
    .nullable(),
  /** The crisis-cell functions the person holds. */
  functionIds: z.array(uuidSchema),
});
export type SessionInfo = z.infer<typeof sessionSchema>;
