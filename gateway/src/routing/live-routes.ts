import { ConfigError } from '@portico/config';
import type { Readiness } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import { upstreamChecks } from '../observability/readiness.js';
import type { EndpointPool } from './endpoint-pool.js';
import type { Route } from './route-table.js';
import { buildRouteTable, type RouteTable, type RouteTableDeps } from './route-table-builder.js';
import { loadRoutesFile, type RoutesSpec } from './routes-file.js';

export type ReloadOutcome = { reloaded: true } | { reloaded: false; problems: readonly string[] };

/** The table the gateway routes by now, and the way to replace it from the file. */
export type LiveRoutes = {
  /** The current routes: read once per request, so a reload never changes a request's route. */
  routes: () => readonly Route[];
  /** The current upstreams' health, for `/readyz`. */
  readiness: () => Promise<Readiness>;
  /**
   * Reads the file again and swaps the table in. A file that fails validation
   * is refused (logged with its problems) and the running table keeps serving.
   */
  reload: () => ReloadOutcome;
  /** Closes every pool's sockets, the retired ones' too; after the server has drained. */
  close: () => void;
};

export function createLiveRoutes(options: {
  file: string;
  /** The file as read at start; read here when absent. */
  initial?: RoutesSpec | undefined;
  deps: RouteTableDeps;
  logger: Logger;
}): LiveRoutes {
  const { file, deps, logger } = options;
  const vars = deps.config;
  let table: RouteTable = buildRouteTable(
    options.initial ?? loadRoutesFile(file, vars),
    deps,
  ).table;
  let readiness = upstreamChecks([...table.pools.values()]);
  // A pool a reload replaced may still carry requests that started on it: its
  // idle sockets close by themselves, the rest when the gateway closes.
  const retired = new Set<EndpointPool>();

  const reload = (): ReloadOutcome => {
    let spec: RoutesSpec;
    try {
      spec = loadRoutesFile(file, vars);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      logger.error(
        { file, problems: error.problems },
        'routes file refused; the running table keeps serving',
      );
      return { reloaded: false, problems: error.problems };
    }
    const built = buildRouteTable(spec, deps, table);
    table = built.table;
    readiness = upstreamChecks([...table.pools.values()]);
    for (const pool of built.retired) retired.add(pool);
    logger.info(
      { file, routes: table.routes.map((route) => route.pattern) },
      'routes file reloaded',
    );
    return { reloaded: true };
  };

  return {
    routes: () => table.routes,
    readiness: () => readiness(),
    reload,
    close: () => {
      for (const pool of [...table.pools.values(), ...retired]) pool.close();
    },
  };
}
