import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/** One service's own PostgreSQL database and login role. */
export type ServiceDatabase = { service: string; name: string; role: string; url: string };

/**
 * Creates, per service, a database and a login role of the same fresh name
 * (`portico_<service>_<random>`, with a random password) that owns it; CONNECT is
 * revoked from PUBLIC, so no other service's role can open it. `dropAll` removes
 * every database and role it made (databases first: a role cannot be dropped
 * while it owns one).
 */
export function isolatedPostgres(adminUrl: string) {
  const made: ServiceDatabase[] = [];
  const asAdmin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    async create(service: string): Promise<ServiceDatabase> {
      const name = `portico_${service.replaceAll('-', '_')}_${randomBytes(4).toString('hex')}`;
      const password = randomBytes(18).toString('base64url');
      await asAdmin(async (admin) => {
        // Identifiers are generated above (lowercase, digits, _): safe to inline.
        await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
        await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
        await admin.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
        await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${name} TO ${name}`);
      });
      const url = new URL(adminUrl);
      url.username = name;
      url.password = password;
      url.pathname = `/${name}`;
      const entry = { service, name, role: name, url: url.toString() };
      made.push(entry);
      return entry;
    },
    async dropAll(): Promise<void> {
      await asAdmin(async (admin) => {
        for (const { name, role } of made.splice(0)) {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.query(`DROP ROLE IF EXISTS ${role}`);
        }
      });
    },
  };
}

/** A Redis client per service, all under one fresh key prefix, and how to clean up after them. */
export function redisParts(url: string | undefined) {
  if (!url) return undefined;
  const prefix = `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  return {
    prefix,
    client,
    async cleanUp() {
      const admin = client();
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        if (keys.length > 0) await admin.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      for (const redis of clients) redis.disconnect();
    },
  };
}
