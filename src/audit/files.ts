import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuditConfig } from '../config/audit.js';
import { type Kek, loadKek } from './crypto.js';
import { generateSigner, type NoteSigner, parseSignerKey } from './note-keys.js';

/** Where the audit log keeps its local files under the data folder. */
export function auditPaths(dataDir: string, config: AuditConfig) {
  const dir = join(dataDir, 'audit');
  return {
    dir,
    journalDir: join(dir, 'journal'),
    signingKey: config.signing_key_file ?? join(dir, 'signing.key'),
    publicKey: join(dir, 'public.key'),
    kek: config.kek_file ?? join(dir, 'kek'),
  };
}

/**
 * The checkpoint signing key: read from the key file, or created there (0600) on first start, with the
 * public verifier key written beside it for auditors. Gateways sharing a database must share this file.
 */
export function loadSigner(dataDir: string, config: AuditConfig, create = true): NoteSigner {
  const paths = auditPaths(dataDir, config);
  if (!existsSync(paths.signingKey) && create) {
    mkdirSync(dirname(paths.signingKey), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(paths.signingKey, `${generateSigner(config.origin).encodedPrivate}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process sharing the key file created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const signer = parseSignerKey(readFileSync(paths.signingKey, 'utf8'));
  if (create) {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.publicKey, `${signer.encoded}\n`, { mode: 0o644 });
  }
  return signer;
}

export function loadAuditKek(dataDir: string, config: AuditConfig, env: NodeJS.ProcessEnv = process.env): Kek {
  return loadKek({ file: auditPaths(dataDir, config).kek, env, create: true });
}
