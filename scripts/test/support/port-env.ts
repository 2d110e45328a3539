import { freePorts } from '@portico/test-kit';
import { SERVICES } from '../../services.mjs';

/** Every process's port variable (GATEWAY_PORT, …) set to a port free a moment ago, all different. */
export async function freePortEnv(): Promise<Record<string, string>> {
  const ports = await freePorts(SERVICES.length);
  return Object.fromEntries(SERVICES.map((service, i) => [service.portVar, String(ports[i])]));
}
