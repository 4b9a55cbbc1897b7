import { z } from 'zod';

/** Config of the guards stage. Extended by the guards work; every field has a default. */
export const guardsSchema = z.object({}).strict();

export type GuardsConfig = z.infer<typeof guardsSchema>;
