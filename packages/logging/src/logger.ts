import { type DestinationStream, type Logger, pino } from 'pino';
import { chooseLogFormat, type LogFormat, prettyStream, writesToTerminal } from './log-format.js';

export type { Logger };

/**
 * Paths that must never reach a log line even if some code logs a whole object:
 * credentials in bodies and headers, tokens in any field.
 */
const REDACT = [
  'password',
  '*.password',
  'client_secret',
  '*.client_secret',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'token',
  '*.token',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

/**
 * pino's `isoTime`, made once per millisecond rather than once per line: a
 * busy gateway writes several lines a millisecond, and `toISOString` was 2%
 * of its CPU (bench/gateway-bench.mjs --profile).
 */
function isoTimeOncePerMs(): () => string {
  let lastMs = -1;
  let lastField = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastField = `,"time":"${new Date(now).toISOString()}"`;
    }
    return lastField;
  };
}

/**
 * A pino logger writing one JSON object a line, labelled with the service name,
 * to `destination` (default: pino's own stdout stream, asynchronous). In the
 * `pretty` format each line is made readable first; by default that is chosen
 * when the destination is a terminal outside production, or by LOG_FORMAT.
 */
export function createLogger(options: {
  service: string;
  level?: string;
  destination?: DestinationStream;
  format?: LogFormat;
}): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: isoTimeOncePerMs(),
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const format =
    options.format ??
    chooseLogFormat({ env: process.env, isTTY: writesToTerminal(options.destination) });
  if (format === 'pretty')
    return pino(settings, prettyStream(options.destination ?? pino.destination({ sync: true })));
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
