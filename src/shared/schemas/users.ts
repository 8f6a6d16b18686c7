import { z } from 'zod';
import { roles } from '../permissions';
import { emailSchema, uuidSchema } from './common';

export const userStatuses = ['active', 'disabled'] as const;
export type UserStatus = (typeof userStatuses)[number];
export const userStatusLabels: Record<UserStatus, string> = { active: 'Actif', disabled: 'Désactivé' };

const displayNameSchema = z
  .string({ message: 'Nom requis.' })
  .trim()
  .min(2, { message: 'Le nom doit contenir au moins 2 caractères.' })
  .max(120, { message: 'Nom trop long (120 caractères au plus).' });

export const userSchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  email: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  status: z.enum(userStatuses),
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  /** Crisis-cell functions the person holds (rights and actions by function). */
  functionIds: z.array(uuidSchema),
});
export type User = z.infer<typeof userSchema>;

export const createUserBodySchema = z.strictObject({
  email: emailSchema,
  displayName: displayNameSchema,
  role: z.enum(roles, { message: 'Rôle inconnu.' }),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const updateUserBodySchema = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    role: z.enum(roles, { message: 'Rôle inconnu.' }).optional(),
    status: z.enum(userStatuses, { message: 'Statut inconnu.' }).optional(),
    functionIds: z.array(uuidSchema).max(20, { message: '20 fonctions au plus.' }).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Aucune modification demandée.' });
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

/** A temporary password is shown once to the administrator; the user must change it at first login. */
export const userWithTemporaryPasswordSchema = z.object({ user: userSchema, temporaryPassword: z.string() });
export type UserWithTemporaryPassword = z.infer<typeof userWithTemporaryPasswordSchema>;

export const usersListSchema = z.object({ users: z.array(userSchema) });
