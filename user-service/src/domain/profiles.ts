import { NotFoundError } from '@portico/errors';
import type { Outbox } from '@portico/events';
import type { ServiceClient } from '@portico/http-client';
import type { components } from '@portico/openapi/auth';
import {
  createProfileRepository,
  type Profile,
  type ProfileRepository,
} from '../data/profile-repository.js';
import type { UserDatabase, UserStatus } from '../data/schema.js';
import { USER_ERRORS } from '../errors.js';

type Account = components['schemas']['AccountInternal'];

const notFound = () => new NotFoundError('No such user.', USER_ERRORS.USER_NOT_FOUND.code);

/**
 * Profiles come from the auth service's `user.registered` events. When one is
 * not here yet (the account was registered a moment ago), it is read from the
 * auth service and stored, so a user who has just registered never waits.
 * Changes go out as `user.*` events in the same transaction (the outbox).
 */
export function createProfiles(deps: {
  repository: ProfileRepository;
  outbox: Outbox<UserDatabase>;
  auth: ServiceClient;
  now: () => number;
}) {
  const { repository, outbox, now } = deps;

  async function readRepair(id: string): Promise<Profile> {
    const res = await deps.auth.request<Account>({
      method: 'GET',
      path: `/internal/v1/accounts/${id}`,
    });
    if (res.status === 404 || res.status === 400) throw notFound();
    if (res.status !== 200 || !res.body)
      throw new Error(`auth-service answered ${res.status} for an account`);
    const { email, name, status } = res.body;
    return repository.insertIfAbsent({ id, email, name, status });
  }

  /** Changes a profile and announces it, in one transaction; a no-op announces nothing. */
  async function change(
    id: string,
    changes: Partial<Pick<Profile, 'name' | 'status'>>,
    type: string,
  ) {
    return outbox.transaction(async (trx, emit) => {
      const result = await createProfileRepository(trx, now).update(id, changes);
      if (!result) throw notFound();
      const { before, after } = result;
      const changed = before.name !== after.name || before.status !== after.status;
      if (changed)
        await emit(type, { id, email: after.email, name: after.name, status: after.status });
      return after;
    });
  }

  const setStatus = (id: string, status: UserStatus) =>
    change(id, { status }, status === 'disabled' ? 'user.disabled' : 'user.enabled');

  return {
    async get(id: string): Promise<Profile> {
      return (await repository.findById(id)) ?? readRepair(id);
    },
    list: (limit: number, afterId?: string) => repository.list(limit, afterId),
    async updateName(id: string, name: string): Promise<Profile> {
      await this.get(id);
      return change(id, { name }, 'user.updated');
    },
    async disable(id: string): Promise<Profile> {
      await this.get(id);
      return setStatus(id, 'disabled');
    },
    async enable(id: string): Promise<Profile> {
      await this.get(id);
      return setStatus(id, 'active');
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
