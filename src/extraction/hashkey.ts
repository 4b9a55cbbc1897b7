/**
 * Where the gateway's hash key comes from (see HashKey in hash.ts): the environment, then the
 * config, then a random key kept in the data directory (created 0600 on first start). Processes that
 * share a database must share the key (set it in the environment or config): with different keys
 * their template hashes do not meet, which loses cross-process template evidence but nothing else.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HashKey, hashKeyFrom } from './hash.js';

export const HASH_KEY_ENV = 'PORTCULLIS_EXTRACTION_HASH_KEY';
export const HASH_KEY_FILE = 'extraction-hash.key';

export interface HashKeySource {
  key: HashKey;
  from: 'env' | 'config' | 'file' | 'random';
}

export function resolveHashKey(
  configured: string | undefined,
  dataDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): HashKeySource {
  const fromEnv = env[HASH_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.length >= 16) return { key: hashKeyFrom(fromEnv), from: 'env' };
  if (configured !== undefined) return { key: hashKeyFrom(configured), from: 'config' };
  if (dataDir !== undefined) {
    const file = join(dataDir, HASH_KEY_FILE);
    try {
      const kept = readFileSync(file, 'utf8').trim();
      if (kept.length >= 32) return { key: hashKeyFrom(kept), from: 'file' };
    } catch {
      // absent: created below
    }
    const fresh = randomBytes(32).toString('hex');
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
      return { key: hashKeyFrom(fresh), from: 'file' };
    } catch {
      // Another process created it first, or the directory is read-only: read it once more.
      try {
        const kept = readFileSync(file, 'utf8').trim();
        if (kept.length >= 32) return { key: hashKeyFrom(kept), from: 'file' };
      } catch {
        // fall through to a per-process key
      }
    }
  }
  return { key: hashKeyFrom(randomBytes(32)), from: 'random' };
}
