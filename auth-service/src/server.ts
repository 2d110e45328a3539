import { runService } from '@portico/lifecycle';
import { createAuthService } from './app.js';
import { readConfig } from './config.js';
import type { AuthDatabase } from './data/schema.js';
import { startKeyRotation } from './domain/key-rotation-schedule.js';

await runService<ReturnType<typeof readConfig>, AuthDatabase>({
  service: 'auth-service',
  database: 'auth',
  readConfig,
  create: async (parts) => {
    const auth = await createAuthService(parts);
    const rotation = startKeyRotation({
      keyRing: auth.keyRing,
      intervalSeconds: parts.config.KEY_ROTATION_INTERVAL_SECONDS,
      logger: parts.logger,
    });
    return {
      app: auth.app,
      close: async () => {
        rotation.stop();
        await auth.stop();
      },
    };
  },
});
