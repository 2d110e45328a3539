import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

/**
 * Applies a service's migrations (forward only, in name order). Kysely's
 * migrator takes a lock table first, so two replicas starting together apply
 * each migration once.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
