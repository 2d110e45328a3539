import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { createOutbox } from '@portico/events';
import type { ServiceClient, ServiceResponse } from '@portico/http-client';
import { migrations } from '../src/data/migrations.js';
import { createProfileRepository } from '../src/data/profile-repository.js';
import type { UserDatabase } from '../src/data/schema.js';
import { createProfiles } from '../src/domain/profiles.js';

/** The auth service's `/internal/v1/accounts/{id}`, knowing one account. */
function authKnowing(account: { id: string; email: string; name: string }) {
  return {
    async request<T>(req: { path: string }): Promise<ServiceResponse<T>> {
      const known = req.path === `/internal/v1/accounts/${account.id}`;
      return known
        ? { status: 200, headers: {}, body: { ...account, status: 'active', roles: ['user'] } as T }
        : { status: 404, headers: {}, body: undefined };
    },
    close: async () => {},
  } as ServiceClient;
}

describe.each(testDatabaseTargets())(
  'profiles before the registration event on $dialect',
  ({ open }) => {
    let target: TestDatabase<UserDatabase>;
    beforeAll(async () => {
      target = await open<UserDatabase>('user');
      await migrateToLatest(target.database.db, migrations);
    });
    afterAll(() => target.drop());

    const profilesFor = (account: { id: string; email: string; name: string }) => {
      const outbox = createOutbox(target.database.db, 'user');
      return {
        outbox,
        profiles: createProfiles({
          repository: createProfileRepository(target.database.db, Date.now),
          outbox,
          auth: authKnowing(account),
          now: Date.now,
        }),
      };
    };

    it('when a user renames themselves before user.registered arrives, then it works at once and is announced', async () => {
      const account = { id: randomUUID(), email: 'new@example.com', name: 'New' };
      const { profiles, outbox } = profilesFor(account);
      const before = (await outbox.readAfter(0, 10_000)).length;

      const renamed = await profiles.updateName(account.id, 'Renamed');

      expect(renamed).toEqual({ ...account, name: 'Renamed', status: 'active' });
      expect(await profiles.get(account.id)).toEqual(renamed);
      const emitted = (await outbox.readAfter(0, 10_000)).slice(before);
      expect(emitted.map((e) => e.event.type)).toEqual(['user.updated']);
    });

    it('when the account does not exist at all, then renaming is a 404 and nothing is written', async () => {
      const { profiles, outbox } = profilesFor({
        id: randomUUID(),
        email: 'x@example.com',
        name: 'X',
      });
      const before = (await outbox.readAfter(0, 10_000)).length;
      await expect(profiles.updateName(randomUUID(), 'Ghost')).rejects.toMatchObject({
        status: 404,
      });
      expect(await outbox.readAfter(0, 10_000)).toHaveLength(before);
    });
  },
);
