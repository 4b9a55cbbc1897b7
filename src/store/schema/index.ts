import type { AuditTables } from './audit.js';
import type { CoreTables } from './core.js';
import type { ExtractionTables } from './extraction.js';
import type { LimitsTables } from './limits.js';

/** The whole database, as Kysely sees it. Each subsystem declares its own tables in its own file. */
export type Database = CoreTables & AuditTables & ExtractionTables & LimitsTables;
