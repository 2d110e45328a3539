import type { EventTables } from '@portico/events';

/** The user service's tables. Times are epoch milliseconds. */
export type UserDatabase = EventTables & {
  profiles: ProfileRow;
};

export type UserStatus = 'active' | 'disabled';

export type ProfileRow = {
  /** The account id the auth service issued. */
  id: string;
  email: string;
  name: string;
  status: UserStatus;
  created_at: number;
  updated_at: number;
};
