import { fileURLToPath } from 'node:url';

export type ServiceSpec = 'auth' | 'user' | 'order' | 'inventory';

/** Absolute path of a service's OpenAPI document, for request validation and the merged spec. */
export function specPath(service: ServiceSpec): string {
  return fileURLToPath(new URL(`../${service}.yaml`, import.meta.url));
}
