import type { Migration } from 'kysely';
import * as m001 from './001_core.js';
import * as m002 from './002_audit.js';
import * as m003 from './003_extraction.js';
import * as m004 from './004_limits.js';
import * as m005 from './005_keywatch.js';

/** Every migration, by name, in order. The same list serves PGlite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_audit': m002,
  '003_extraction': m003,
  '004_limits': m004,
  '005_keywatch': m005,
};
