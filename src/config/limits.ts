import { z } from 'zod';

/** Config of the limits stage. Extended by the limits work; every field has a default. */
export const limitsSchema = z.object({}).strict();

export type LimitsConfig = z.infer<typeof limitsSchema>;
