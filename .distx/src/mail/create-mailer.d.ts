import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { type PlayedEvents } from './log.mailer.js';
import type { Mailer } from './mailer.js';
/** `play` records the log mailer's played provider events (the SendGrid webhook's own path). */
export declare function createMailer(config: Config, logger: Logger, play?: PlayedEvents): Mailer;
