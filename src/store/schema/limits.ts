/** Tables of the limits work; see migrations. */
// biome-ignore lint/complexity/noBannedTypes: filled in by the limits work
export type LimitsTables = {};
