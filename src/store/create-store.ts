// Chooses the store at start-up. The embedded in-process store is the default when no
// database is configured.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MemoryOtpStore } from './memory.store.js';
import type { OtpStore } from './otp.store.js';

export async function createStore(config: Config, clock: Clock, logger: Logger): Promise<OtpStore> {
  logger.info({ store: 'memory', reason: 'MONGODB_URI is not set' }, 'using the embedded in-process store (codes are lost on restart)');
  return new MemoryOtpStore({ clock });
}
