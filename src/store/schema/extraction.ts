/** Tables of the extraction work; see migrations. */
// biome-ignore lint/complexity/noBannedTypes: filled in by the extraction work
export type ExtractionTables = {};
