import { z } from 'zod';

/** Config of the extraction stage. Extended by the extraction work; every field has a default. */
export const extractionSchema = z.object({}).strict();

export type ExtractionConfig = z.infer<typeof extractionSchema>;
