export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  type Dialect,
  isPostgresUrl,
  isUniqueViolation,
} from './create-database.js';
export { decodeCursor, encodeCursor, page } from './cursor.js';
export { DB_ERRORS } from './errors.js';
export { migrateToLatest } from './migrate.js';
export {
  type TestDatabase,
  type TestDatabaseTarget,
  testDatabaseTargets,
} from './test-databases.js';
