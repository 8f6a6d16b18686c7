import { z } from 'zod';
import { uuidSchema } from './common';

export const announcementLevels = ['info', 'urgent'] as const;
export type AnnouncementLevel = (typeof announcementLevels)[number];

export const announcementSchema = z.object({
  id: uuidSchema,
  organisationId: uuidSchema,
  authorId: uuidSchema,
  authorName: z.string(),
  text: z.string(),
  level: z.enum(announcementLevels),
  createdAt: z.string(),
});
export type Announcement = z.infer<typeof announcementSchema>;

export const createAnnouncementBodySchema = z.strictObject({
  text: z
    .string({ message: 'Texte requis.' })
    .trim()
    .min(1, { message: 'Le message ne peut pas être vide.' })
    .max(2000, { message: 'Message trop long (2 000 caractères au plus).' }),
  level: z.enum(announcementLevels, { message: 'Niveau inconnu.' }).default('info'),
});
export type CreateAnnouncementBody = z.infer<typeof createAnnouncementBodySchema>;

export const announcementsQuerySchema = z.strictObject({
  organisationId: uuidSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const announcementsListSchema = z.object({ announcements: z.array(announcementSchema) });
