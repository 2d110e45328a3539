import type { Kysely } from 'kysely';
import type { AuthDatabase } from './schema.js';

export function createServiceClientRepository(db: Kysely<AuthDatabase>) {
  return {
    async upsert(clientId: string, secretHash: string, now: number): Promise<void> {
      await db
        .insertInto('service_clients')
        .values({ client_id: clientId, secret_hash: secretHash, updated_at: now })
        .onConflict((oc) => oc.column('client_id').doUpdateSet({ secret_hash: secretHash, updated_at: now }))
        .execute();
    },

    async findSecretHash(clientId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('service_clients')
        .select('secret_hash')
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row?.secret_hash;
    },
  };
}

export type ServiceClientRepository = ReturnType<typeof createServiceClientRepository>;
