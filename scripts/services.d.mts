export type ServiceName = 'auth' | 'user' | 'order' | 'inventory' | 'gateway';

/** One row of the table of Portico's processes (scripts/services.mjs). */
export type Service = {
  readonly name: ServiceName;
  /** The workspace directory: its built entry is `<dir>/dist/server.js`. */
  readonly dir: string;
  /** The variable that moves its port under `npm start`. */
  readonly portVar: string;
  /** Its default port under `npm start`. */
  readonly port: number;
  /** The variable the other processes find it by; null for the gateway. */
  readonly urlVar: string | null;
  /** The `<SERVICE>_DATABASE_URL` passed on as its DATABASE_URL; null without a database. */
  readonly databaseVar: string | null;
  /** Its OpenAPI document, from the repository root; null for the gateway. */
  readonly spec: string | null;
};

export declare const SERVICES: readonly Service[];
export declare const SERVICE_NAMES: readonly ServiceName[];
