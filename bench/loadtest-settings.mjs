// The load test's settings: read from the environment once, checked before
// anything is sent, frozen. A bad value is a SettingsError whose message is the
// one line the user sees (loadtest.mjs exits 2 with it, without a stack trace).

/** A setting the user got wrong; its message names the variable and what it takes. */
export class SettingsError extends Error {
  /** @override */
  name = 'SettingsError';
}

/** The whole-number settings: each bounded, so no value makes a run unbounded. */
const WHOLE_NUMBERS = {
  LOADTEST_SECONDS: { key: 'seconds', fallback: 20, min: 1, max: 300 },
  LOADTEST_CONCURRENCY: { key: 'concurrency', fallback: 16, min: 1, max: 256 },
  LOADTEST_USERS: { key: 'users', fallback: 8, min: 1, max: 100 },
  // The gateway allows 10 logins a minute per address and email by default: the
  // default trickle stays under that, spread over the users.
  LOADTEST_LOGINS_PER_MINUTE: { key: 'loginsPerMinute', fallback: 30, min: 0, max: 6000 },
  LOADTEST_PROGRESS_SECONDS: { key: 'progressSeconds', fallback: 5, min: 1, max: 60 },
};
const KNOWN = ['LOADTEST_URL', 'LOADTEST_TRACK', ...Object.keys(WHOLE_NUMBERS)];

/**
 * How a placed order is followed to its terminal status: not at all (the mix
 * places and moves on), by polling `GET /api/v1/orders/{id}`, or by its
 * server-sent event stream (issue 13).
 */
const TRACKING = /** @type {const} */ (['none', 'poll', 'sse']);

/**
 * @typedef {object} LoadtestSettings
 * @property {string} url the gateway's base URL, without a trailing slash
 * @property {(typeof TRACKING)[number]} track
 * @property {number} seconds
 * @property {number} concurrency
 * @property {number} users
 * @property {number} loginsPerMinute
 * @property {number} progressSeconds
 */

/** @param {NodeJS.ProcessEnv} env */
function tracking(env) {
  const raw = env.LOADTEST_TRACK;
  if (raw === undefined || raw === '') return 'none';
  const track = TRACKING.find((name) => name === raw);
  if (!track)
    throw new SettingsError(`LOADTEST_TRACK must be one of ${TRACKING.join(', ')}, got "${raw}"`);
  return track;
}

/** Digits only: Number() would take "1e3", "0x10", " 8" and "" as numbers. */
/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {{ fallback: number; min: number; max: number }} bounds
 */
function wholeNumber(env, name, { fallback, min, max }) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new SettingsError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** @param {NodeJS.ProcessEnv} env */
function gatewayUrl(env) {
  const raw = env.LOADTEST_URL || 'http://127.0.0.1:8080';
  let url;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash)
    throw new SettingsError(
      `LOADTEST_URL must be the gateway's http(s) URL, such as http://127.0.0.1:8080, got "${raw}"`,
    );
  return raw.replace(/\/+$/, '');
}

/**
 * The settings from `env`, or a SettingsError for the first bad one. A
 * LOADTEST_ variable it does not know is refused too: a typo would otherwise
 * run the default silently.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Readonly<LoadtestSettings>}
 */
export function parseLoadtestSettings(env) {
  const unknown = Object.keys(env).find(
    (name) => name.startsWith('LOADTEST_') && !KNOWN.includes(name),
  );
  if (unknown)
    throw new SettingsError(`${unknown} is not a load test setting; they are ${KNOWN.join(', ')}`);
  /** @type {Record<string, string | number>} */
  const settings = { url: gatewayUrl(env), track: tracking(env) };
  for (const [name, spec] of Object.entries(WHOLE_NUMBERS))
    settings[spec.key] = wholeNumber(env, name, spec);
  return /** @type {Readonly<LoadtestSettings>} */ (Object.freeze(settings));
}
