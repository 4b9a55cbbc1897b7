import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBase62, secretsEqual } from './api-key.js';

export const ADMIN_TOKEN_PREFIX = 'pca_';
export const ADMIN_TOKEN_FILE = 'admin-token';
/** Shorter tokens from the environment are refused: the admin token guards every key. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

export class AdminTokenError extends Error {
  override readonly name = 'AdminTokenError';
  constructor(
    readonly code: 'ADMIN_TOKEN_WEAK' | 'ADMIN_TOKEN_UNREADABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AdminToken {
  token: string;
  /** Where it came from: the file path, or `env:PORTCULLIS_ADMIN_TOKEN`. */
  path: string;
  /** True when this call generated it (the gateway then tells the operator where to find it). */
  created: boolean;
}

/**
 * The admin token: `PORTCULLIS_ADMIN_TOKEN` if set; else `<dataDir>/admin-token`; else a new random one
 * written there. The folder is created 0700 and the file 0600, since the token grants every admin power.
 */
export function ensureAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): AdminToken {
  const existing = readAdminToken(dataDir, env);
  if (existing) return existing;
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = ADMIN_TOKEN_PREFIX + randomBase62(43);
  try {
    // `wx`: if another process created it meanwhile, use theirs rather than overwrite it.
    writeFileSync(path, `${token}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readAdminToken(dataDir, {});
      if (raced) return raced;
    }
    throw new AdminTokenError('ADMIN_TOKEN_UNREADABLE', `cannot write ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  chmodSync(path, 0o600); // the umask may have narrowed it already; never widened
  return { token, path, created: true };
}

/** The token from the environment or the file, without creating one (what a client such as the CLI needs). */
export function readAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): AdminToken | undefined {
  const fromEnv = env.PORTCULLIS_ADMIN_TOKEN?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new AdminTokenError(
        'ADMIN_TOKEN_WEAK',
        `PORTCULLIS_ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters; use a long random value`,
      );
    }
    return { token: fromEnv, path: 'env:PORTCULLIS_ADMIN_TOKEN', created: false };
  }
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AdminTokenError('ADMIN_TOKEN_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const token = text.trim();
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new AdminTokenError('ADMIN_TOKEN_WEAK', `${path} holds no usable token (delete it to have a new one made)`);
  }
  return { token, path, created: false };
}

/** Constant-time check of a presented admin token. */
export function adminTokenMatches(presented: string, expected: string): boolean {
  return secretsEqual(presented, expected);
}
