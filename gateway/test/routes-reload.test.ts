import { eventually } from '@portico/test-kit';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import {
  type Reply,
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { upstreamsYaml, useRoutesFiles } from './support/routes-files.js';

const upstreams = useUpstreams();
const files = useRoutesFiles();
let first: FakeUpstream;
let second: FakeUpstream;
let gateway: RunningGateway;
let file: string;

/** `/api/v1/reviews` on `reviews`, and any more routes, all public. */
const routesFile = (reviews: FakeUpstream, extra = '') => `upstreams:
${upstreamsYaml({ 'first-reviews': first.url, 'second-reviews': second.url })}
routes:
  - prefix: /api/v1/reviews
    upstream: ${reviews === first ? 'first-reviews' : 'second-reviews'}
    access: public
${extra}`;

const writeRoutes = (text: string) => files.write('routes.yaml', text);
const reload = () => send(gateway.url, { method: 'POST', path: '/admin/routes/reload' });
const reviews = () => send(gateway.url, { path: '/api/v1/reviews/1' });
const upstreamOf = (reply: Reply) => reply.json().upstream;

beforeAll(async () => {
  [first, second] = await Promise.all([
    startFakeUpstream('first-reviews'),
    startFakeUpstream('second-reviews'),
  ]);
  file = writeRoutes(routesFile(first));
  gateway = await startGateway(upstreams, { GATEWAY_ROUTES_FILE: file });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([first?.close(), second?.close()]);
});

// In order: each test starts from the table the one before left.
describe('reloading the routes file', () => {
  it('when the file changed and a reload is asked for, then the new table serves', async () => {
    expect(upstreamOf(await reviews())).toBe('first-reviews');
    expect((await send(gateway.url, { path: '/api/v1/ratings' })).status).toBe(404);

    writeRoutes(
      routesFile(
        second,
        '  - exact: /api/v1/ratings\n    upstream: first-reviews\n    access: public\n',
      ),
    );
    const reply = await reload();

    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ status: 'reloaded' });
    expect(upstreamOf(await reviews())).toBe('second-reviews');
    expect(upstreamOf(await send(gateway.url, { path: '/api/v1/ratings' }))).toBe('first-reviews');
  });

  it('when the new file is invalid, then the reload is 422 naming the line and the running table keeps serving', async () => {
    writeRoutes(routesFile(second).replace('upstream: second-reviews', 'upstream: nowhere'));

    const reply = await reload();

    expect(reply.status).toBe(422);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.json()).toMatchObject({ status: 422, code: 'ROUTES_FILE_INVALID' });
    expect(reply.json().errors).toEqual([
      `${file}:8:15: routes[0].upstream names "nowhere", which is not one of the upstreams (first-reviews, second-reviews)`,
    ]);
    expect(upstreamOf(await reviews())).toBe('second-reviews');
    expect(upstreamOf(await send(gateway.url, { path: '/api/v1/ratings' }))).toBe('first-reviews');
  });

  it('when a request is in flight during a reload, then it finishes on the table it started on', async () => {
    let release: (() => void) | undefined;
    second.handle((_req, res) => {
      release = () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"old":true}');
    });
    const inFlight = reviews();
    await eventually('the request reaches the old upstream', () => release !== undefined);

    writeRoutes(routesFile(first));
    expect((await reload()).status).toBe(200);
    expect(upstreamOf(await reviews())).toBe('first-reviews');
    release!();

    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ old: true });
  });
});
