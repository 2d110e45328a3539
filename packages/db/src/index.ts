export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  type Dialect,
  isPostgresUrl,
  isUniqueViolation,
} from './create-database.js';
export { migrateToLatest } from './migrate.js';
