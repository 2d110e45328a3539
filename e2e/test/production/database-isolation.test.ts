import pg from 'pg';
import { isolatedPostgres } from '../support/stores.js';

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl)
  process.stderr.write('Database isolation test skipped: TEST_DATABASE_URL is not set.\n');
const describeIf = adminUrl ? describe : describe.skip;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describeIf('each service alone in its PostgreSQL database', () => {
  const postgres = isolatedPostgres(adminUrl ?? '');
  afterAll(() => postgres.dropAll());

  it("when one service's role opens another service's database, then it is refused for lack of CONNECT", async () => {
    const auth = await postgres.create('auth');
    const order = await postgres.create('order');

    const own = await connect(order.url);
    expect((await own.query('select current_user as who')).rows).toEqual([{ who: order.role }]);
    await own.end();

    const intruder = new URL(order.url);
    intruder.pathname = `/${auth.name}`;
    const refused = connect(intruder.toString());
    await expect(refused).rejects.toMatchObject({
      code: '42501', // insufficient_privilege
      message: expect.stringMatching(/permission denied for database/),
    });
  });

  it("when a service's role reads its own database, then it owns the tables it creates there", async () => {
    const user = await postgres.create('user');
    const client = await connect(user.url);
    try {
      await client.query('create table profiles (id int primary key)');
      const owner = await client.query(
        "select tableowner from pg_tables where tablename = 'profiles'",
      );
      expect(owner.rows).toEqual([{ tableowner: user.role }]);
    } finally {
      await client.end();
    }
  });
});
