import { ConfigError } from '@portico/config';
import { loadGatewayConfig } from '../src/config.js';
import { DEFAULT_ROUTES_FILE, loadRoutesFile } from '../src/routing/routes-file.js';
import { useRoutesFiles } from './support/routes-files.js';

const files = useRoutesFiles();
const VARS = { USER_SERVICE_URL: 'http://127.0.0.1:8001' };

/** The problems a routes file is refused with (fails the test if it is accepted). */
function problemsOf(name: string, text: string): readonly string[] {
  const file = files.write(name, text);
  try {
    loadRoutesFile(file, VARS);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((line) => line.replace(`${file}:`, 'FILE:'));
  }
  throw new Error(`${name} was accepted`);
}

const VALID = `upstreams:
  user-service:
    url: \${USER_SERVICE_URL}
routes:
  - prefix: /api/v1/users
    upstream: user-service
    access: token
`;

describe('routes file', () => {
  it("when the shipped file is read with the defaults, then it is today's table, in order", () => {
    const spec = loadRoutesFile(DEFAULT_ROUTES_FILE, loadGatewayConfig({}));

    expect(spec.routes.map(({ pattern, upstream, access }) => [pattern, upstream, access])).toEqual(
      [
        ['/api/v1/users/**', 'user-service', 'token'],
        ['/api/v1/orders', 'order-service', 'token'],
        ['/api/v1/orders/**', 'order-service', 'token'],
        ['/api/v2/orders', 'order-service', 'token'],
        ['/api/v1/inventory/**', 'inventory-service', 'public-read'],
        ['/api/v1/auth/**', 'auth-service', 'public'],
        ['/.well-known/jwks.json', 'auth-service', 'public'],
        ['/.well-known/openid-configuration', 'auth-service', 'public'],
      ],
    );
    expect(spec.upstreams.get('order-service')?.urls).toEqual(['http://127.0.0.1:8002']);
  });

  it('when a URL names a configuration variable, then its value is used', () => {
    const spec = loadRoutesFile(files.write('vars.yaml', VALID), {
      USER_SERVICE_URL: 'http://users.internal:9000/',
    });

    expect(spec.upstreams.get('user-service')?.urls).toEqual(['http://users.internal:9000']);
  });

  it('when the file is JSON, then it is read the same way', () => {
    const spec = loadRoutesFile(
      files.write(
        'routes.json',
        JSON.stringify({
          upstreams: { reviews: { urls: ['http://127.0.0.1:9001', 'http://127.0.0.1:9002'] } },
          routes: [{ exact: '/api/v1/reviews', upstream: 'reviews', access: { role: 'admin' } }],
        }),
      ),
      {},
    );

    expect(spec.routes[0]).toMatchObject({
      pattern: '/api/v1/reviews',
      access: 'token',
      role: 'admin',
    });
    expect(spec.upstreams.get('reviews')?.urls).toHaveLength(2);
  });

  it('when a field has the wrong type, then the problem names the file, line, column and what was expected', () => {
    const problems = problemsOf(
      'types.yaml',
      `${VALID}    timeoutMs: soon
  - prefix: /api/v1/orders
    upstream: user-service
    access: everyone
`,
    );

    expect(problems).toEqual([
      'FILE:8:16: routes[0].timeoutMs must be a number of milliseconds',
      expect.stringMatching(
        /^FILE:11:13: routes\[1\]\.access must be public, token, public-read, \{ role: <role> \} or \{ scope: <scope> \}$/,
      ),
    ]);
  });

  it('when a route sets websocket, then it must be true or false', () => {
    const problems = problemsOf('websocket.yaml', `${VALID}    websocket: yes please\n`);
    const spec = loadRoutesFile(
      files.write('websocket-ok.yaml', `${VALID}    websocket: true\n`),
      VARS,
    );

    expect(problems).toEqual(['FILE:8:16: routes[0].websocket must be true or false']);
    expect(spec.routes[0]?.websocket).toBe(true);
  });

  it('when a route names no path, an unknown key or an unknown upstream, then each is one line', () => {
    const problems = problemsOf(
      'shape.yaml',
      `upstreams:
  user-service:
    url: http://127.0.0.1:8001
routes:
  - upstream: user-service
    access: token
  - prefix: /api/v1/orders
    upstream: order-service
    access: token
    retry: 3
`,
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^FILE:5:5: routes\[0\] needs exactly one of prefix .* or exact/),
        expect.stringMatching(/^FILE:7:5: routes\[1\] .*retry/),
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('when the shipped v1 order list is deprecated, then its headers are computed once, at load', () => {
    const spec = loadRoutesFile(DEFAULT_ROUTES_FILE, loadGatewayConfig({}));
    const [list, orders, v2] = spec.routes.filter((route) => route.upstream === 'order-service');

    expect(list?.deprecation).toEqual({
      deprecation: `@${Date.UTC(2026, 11, 3) / 1000}`,
      sunset: 'Fri, 31 Dec 2027 00:00:00 GMT',
      link: '</api/v2/orders>; rel="successor-version", </docs>; rel="deprecation"',
    });
    expect(orders?.deprecation).toBeUndefined();
    expect(v2?.deprecation).toBeUndefined();
  });

  it('when a deprecated block has a bad date, an early sunset, a bad successor or an unknown key, then each names its line', () => {
    const deprecated = (block: string) =>
      problemsOf('deprecated.yaml', `${VALID}    deprecated:\n${block}`);

    expect(
      deprecated('      since: 2027-01-01\n      sunset: soon\n      successor: /api/v2/users\n'),
    ).toEqual([
      'FILE:10:15: routes[0].deprecated.sunset must be a date such as 2027-06-30 or 2027-06-30T12:00:00Z',
    ]);
    expect(
      deprecated(
        '      since: 2027-01-01\n      sunset: 2026-12-31T23:00:00Z\n      successor: /api/v2/users\n',
      ),
    ).toEqual(['FILE:10:15: routes[0].deprecated.sunset must not be earlier than since']);
    expect(
      deprecated('      since: 2027-01-01\n      sunset: 2028-01-01\n      successor: api/v2\n'),
    ).toEqual([
      'FILE:11:18: routes[0].deprecated.successor must be a path starting with / or an http:// or https:// URL',
    ]);
    expect(
      deprecated('      sunset: 2028-01-01\n      successor: /api/v2/users\n      until: 2029\n'),
    ).toEqual([
      'FILE:9:7: routes[0].deprecated.since is required: a date such as 2027-06-30',
      'FILE:9:7: routes[0].deprecated Unrecognized key: "until"',
    ]);
  });

  it('when a route names an unknown upstream, then the line says which upstreams there are', () => {
    expect(
      problemsOf('unknown.yaml', VALID.replace('upstream: user-service', 'upstream: users')),
    ).toEqual([
      'FILE:6:15: routes[0].upstream names "users", which is not one of the upstreams (user-service)',
    ]);
  });

  it.each([
    ['/internal/v1/users', 'would expose /internal'],
    ['/INTERNAL', 'would expose /internal'],
    ['/', 'would expose /internal'],
    ['/api/v1/../internal', 'must be a canonical path'],
    ['/api/v1/users/', 'must not end with /'],
  ])('when a route is at %s, then it is refused', (path, reason) => {
    const [problem] = problemsOf('internal.yaml', VALID.replace('/api/v1/users', path));

    expect(problem).toContain(`FILE:5:13: routes[0].prefix ${reason}`);
  });

  it('when two prefixes overlap, whichever comes first, then the later one is refused', () => {
    const nested = (first: string, second: string) =>
      problemsOf(
        'overlap.yaml',
        `${VALID}  - prefix: ${first}
    upstream: user-service
    access: public
  - prefix: ${second}
    upstream: user-service
    access: public
`,
      );

    expect(nested('/api/v1/users/me', '/api/v1/other')).toEqual([
      'FILE:8:13: routes[1].prefix /api/v1/users/me overlaps routes[0] (/api/v1/users): each request must have one route',
    ]);
    expect(nested('/api/v1', '/api/v2')).toEqual([
      'FILE:8:13: routes[1].prefix /api/v1 overlaps routes[0] (/api/v1/users): each request must have one route',
    ]);
  });

  it('when an upstream URL is not http, names an unset variable or is missing, then each is refused', () => {
    const problems = problemsOf(
      'urls.yaml',
      `upstreams:
  user-service:
    urls:
      - ftp://127.0.0.1:21
      - \${NOT_SET_ANYWHERE}
  order-service: {}
routes:
  - prefix: /api/v1/users
    upstream: user-service
    access: token
`,
    );

    expect(problems).toEqual([
      'FILE:6:18: upstreams.order-service needs exactly one of url (one URL) or urls (a list)',
    ]);
    const [notHttp, unset] = problemsOf(
      'urls2.yaml',
      `upstreams:
  user-service:
    urls:
      - ftp://127.0.0.1:21
      - \${NOT_SET_ANYWHERE}
routes:
  - prefix: /api/v1/users
    upstream: user-service
    access: token
`,
    );
    expect(notHttp).toBe(
      'FILE:4:9: upstreams.user-service.urls[0] must be an http:// or https:// URL (got "ftp://127.0.0.1:21")',
    );
    expect(unset).toBe(
      `FILE:5:9: upstreams.user-service.urls[1] names \${NOT_SET_ANYWHERE}, which is not set`,
    );
  });

  it('when an upstream lists one URL twice, then the second is refused', () => {
    expect(
      problemsOf(
        'twice.yaml',
        VALID.replace(
          `url: \${USER_SERVICE_URL}`,
          'urls: [http://127.0.0.1:8001, http://127.0.0.1:8001/]',
        ),
      ),
    ).toEqual(['FILE:3:35: upstreams.user-service.urls[1] lists http://127.0.0.1:8001 twice']);
  });

  it('when an upstream URL has a path, a query or credentials, then it is refused: requests keep the path the client sent', () => {
    for (const url of [
      'http://127.0.0.1:8001/v1',
      'http://127.0.0.1:8001/?x=1',
      'http://user:secret@127.0.0.1:8001',
    ]) {
      expect(
        problemsOf('path.yaml', VALID.replace(`url: \${USER_SERVICE_URL}`, `url: ${url}`)),
      ).toEqual([
        `FILE:3:10: upstreams.user-service.url must be an origin, scheme://host:port with no path (got ${JSON.stringify(url)})`,
      ]);
    }
  });

  it('when the file is not valid YAML, then the line and column of the syntax error are named', () => {
    const [problem] = problemsOf('broken.yaml', VALID.replace('access: token', 'access: token: x'));

    expect(problem).toMatch(/^FILE:7:\d+: not valid YAML: /);
  });

  it('when the file cannot be read, then the problem names it', () => {
    expect(() => loadRoutesFile('/nonexistent/routes.yaml', {})).toThrow(
      /GATEWAY_ROUTES_FILE \/nonexistent\/routes\.yaml cannot be read/,
    );
  });
});
