import { z } from 'zod';

export const departmentCodeParamsSchema = z.strictObject({
  code: z.string().regex(/^(\d{2}|2A|2B|97\d)$/, { message: 'Code de département invalide.' }),
});

export const communeSchema = z.object({
  inseeCode: z.string(),
  name: z.string(),
  departmentCode: z.string(),
  population: z.number().int().nullable(),
  formerCodes: z.array(z.string()),
});
export type Commune = z.infer<typeof communeSchema>;

export const departmentSchema = z.object({
  code: z.string(),
  name: z.string(),
  communes: z.array(communeSchema),
});
export type Department = z.infer<typeof departmentSchema>;

export const territoryGeometryQuerySchema = z.strictObject({});
