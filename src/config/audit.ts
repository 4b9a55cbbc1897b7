import { z } from 'zod';

/** Config of the audit stage. Extended by the audit work; every field has a default. */
export const auditSchema = z.object({}).strict();

export type AuditConfig = z.infer<typeof auditSchema>;
