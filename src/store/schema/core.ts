/** Tables of the gateway core (tenants, keys). Owned by src/store; see migrations/001_core.ts. */
// biome-ignore lint/complexity/noBannedTypes: filled in by the store work
export type CoreTables = {};
