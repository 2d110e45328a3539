export { createUserDirectory, type UserDirectoryOptions } from './user-directory.js';
export {
  type CacheTier,
  createUserStatusCache,
  type UserStatus,
  type UserStatusCache,
  type UserStatusCacheOptions,
} from './user-status-cache.js';
