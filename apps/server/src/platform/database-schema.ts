/*
 * The database's tables as Kysely sees them. Each feature declares its tables in its own
 * folder (`interface ExamTables { exams: ExamsTable; … }`) and adds that interface to the
 * `extends` list of `Database`; conventions are in db.ts.
 */
import type { AttemptTables } from '../attempts/attempt.tables.ts';
import type { ExamTables } from '../exams/exam.tables.ts';
import type { IdentityTables } from '../identity/identity-tables.ts';

/** Kysely's record of applied migrations (created and written by the Migrator only). */
export interface KyselyMigrationTable {
  /** The migration's file name without `.ts`, e.g. `20250101000000_create_users`. */
  name: string;
  /** When it was applied, ISO-8601. */
  timestamp: string;
}

/** Rows `/readyz` writes and deletes at once, to learn whether the database can write. */
export interface ReadinessProbesTable {
  id: string;
  written_at: string;
  /** Enough text to need pages of its own. */
  filler: string;
}

/** Every table of the database. */
export interface Database extends IdentityTables, ExamTables, AttemptTables {
  kysely_migration: KyselyMigrationTable;
  readiness_probes: ReadinessProbesTable;
}
