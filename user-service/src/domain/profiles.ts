import { NotFoundError } from '@portico/errors';
import type { ServiceClient } from '@portico/http-client';
import type { components } from '@portico/openapi/auth';
import type { Profile, ProfileRepository } from '../data/profile-repository.js';

type Account = components['schemas']['AccountInternal'];

/**
 * Profiles are created from the auth service's accounts. When a profile is not
 * here yet (the account was just registered), it is read from the auth service
 * and stored, so a user who has just registered never waits for consistency.
 */
export function createProfiles(deps: { repository: ProfileRepository; auth: ServiceClient }) {
  return {
    async get(id: string): Promise<Profile> {
      const stored = await deps.repository.findById(id);
      if (stored) return stored;
      const res = await deps.auth.request<Account>({
        method: 'GET',
        path: `/internal/v1/accounts/${id}`,
      });
      if (res.status === 404 || !res.body)
        throw new NotFoundError('No such user.', 'USER_NOT_FOUND');
      if (res.status !== 200) throw new Error(`auth-service answered ${res.status} for an account`);
      const { email, name, status } = res.body;
      return deps.repository.insertIfAbsent({ id, email, name, status });
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
