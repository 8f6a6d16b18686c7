import { z } from 'zod';

// Validation messages a person reads are French (zod's built-in French locale); the codes stay stable.
z.config(z.locales.fr());

export const uuidSchema = z.uuid({ message: 'Identifiant invalide.' });
export const idParamsSchema = z.strictObject({ id: uuidSchema });

export const emailSchema = z
  .string({ message: 'Adresse e-mail requise.' })
  .trim()
  .toLowerCase()
  .max(254, { message: 'Adresse e-mail trop longue.' })
  .pipe(z.email({ message: 'Adresse e-mail invalide.' }));

export const PASSWORD_MIN_LENGTH = 12;
export const passwordSchema = z
  .string({ message: 'Mot de passe requis.' })
  .min(PASSWORD_MIN_LENGTH, { message: `Au moins ${PASSWORD_MIN_LENGTH} caractères.` })
  .max(256, { message: 'Mot de passe trop long (256 caractères au plus).' });

export const isoDateTimeSchema = z.string().datetime({ offset: true });

export const paginationQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});
