import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { migrations } from '../src/data/migrations.js';
import { createProfileRepository } from '../src/data/profile-repository.js';
import type { UserDatabase } from '../src/data/schema.js';

describe.each(testDatabaseTargets())('user data layer on $dialect', ({ open }) => {
  let target: TestDatabase<UserDatabase>;
  beforeAll(async () => {
    target = await open<UserDatabase>('user');
    await migrateToLatest(target.database.db, migrations);
  });
  afterAll(() => target.drop());

  it('when a profile is inserted twice, then the first one stays and both calls return it', async () => {
    const profiles = createProfileRepository(target.database.db, Date.now);
    const id = randomUUID();
    const first = await profiles.insertIfAbsent({
      id,
      email: 'a@example.com',
      name: 'A',
      status: 'active',
    });
    const second = await profiles.insertIfAbsent({
      id,
      email: 'b@example.com',
      name: 'B',
      status: 'active',
    });
    expect(first).toEqual({ id, email: 'a@example.com', name: 'A', status: 'active' });
    expect(second).toEqual(first);
  });

  it('when a profile is unknown, then nothing is found', async () => {
    expect(
      await createProfileRepository(target.database.db, Date.now).findById(randomUUID()),
    ).toBeUndefined();
  });
});
