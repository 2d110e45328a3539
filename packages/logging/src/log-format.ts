import { isatty } from 'node:tty';
import type { DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

const FORMATS: readonly LogFormat[] = ['pretty', 'json'];

/**
 * Pretty lines for a person at a terminal, JSON for everything else (a pipe,
 * a file, CI, a log collector). `LOG_FORMAT` forces either; production is
 * JSON unless forced, whatever it is attached to (issue 14).
 */
export function chooseLogFormat(options: {
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
}): LogFormat {
  const given = options.env.LOG_FORMAT;
  if (given !== undefined && given !== '') {
    if (!FORMATS.includes(given as LogFormat))
      throw new Error(`LOG_FORMAT must be one of ${FORMATS.join(', ')}, got "${given}"`);
    return given as LogFormat;
  }
  if (options.env.NODE_ENV === 'production') return 'json';
  return options.isTTY ? 'pretty' : 'json';
}

/** Whether a pino destination writes to a terminal: only a file-descriptor stream can. */
export function writesToTerminal(destination: DestinationStream | undefined): boolean {
  if (!destination) return isatty(1);
  const { fd } = destination as { fd?: unknown };
  return typeof fd === 'number' && isatty(fd);
}

type RequestLine = {
  req?: { method?: string; path?: string };
  res?: { statusCode?: number };
  responseTime?: number;
};

/**
 * A stream that turns each JSON line into one readable line (an error's stack
 * still follows on lines of its own) before writing it on. pino-pretty's
 * formatter runs synchronously in this thread: no worker to flush, nothing lost
 * when the process exits. A request line reads `GET /api/v1/orders 200 12 ms`;
 * the service name is left out because `npm start` prefixes every line with it.
 * Coloured unless NO_COLOR is set.
 */
export function prettyStream(
  destination: DestinationStream,
  env: Readonly<Record<string, string | undefined>> = process.env,
): DestinationStream {
  const colorize = !env.NO_COLOR;
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname,service,reqId,req,res,responseTime',
    messageFormat: (log, messageKey, _level, { colors }) => {
      const { req, res, responseTime } = log as RequestLine;
      if (!req || !res) return String(log[messageKey] ?? '');
      const status = res.statusCode ?? 0;
      const paint = status >= 500 ? colors.red : status >= 400 ? colors.yellow : colors.green;
      return `${req.method} ${req.path} ${paint(String(status))} ${responseTime} ms`;
    },
  });
  return {
    write(line: string) {
      const log = JSON.parse(line) as Record<string, unknown>;
      // Most warnings carry the error's message as `err`: on the line, not a block below it.
      if (typeof log.err === 'string') {
        log.msg = log.msg ? `${log.msg}: ${log.err}` : log.err;
        delete log.err;
      }
      destination.write(pretty(log));
    },
  };
}
