/** Errors of the storage layer, which is not HTTP-facing: a stable `code` and a message an operator can act on. */
export type StoreErrorCode = 'STORE_LOCKED' | 'STORE_OPEN_FAILED' | 'STORE_MIGRATION_FAILED' | 'STORE_BAD_OPTION';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** PostgreSQL SQLSTATE of a driver error (both `pg` and PGlite expose it as `code`). */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
