/** Tables of the audit work; see migrations. */
// biome-ignore lint/complexity/noBannedTypes: filled in by the audit work
export type AuditTables = {};
