import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Challenge } from '../edge/challenge/challenge.js';
import type { Logger } from '../logger.js';
import type { OtpStore } from '../store/otp.store.js';
import type { MerchantEvents } from '../webhooks/merchant-events.js';
import { OtpService, type OtpObserver } from './otp.service.js';
import type { IntentChecker } from './transaction.js';
import { VerificationTokens } from './verification-token.js';
/** The token signer from Config; a key made now when none is configured (outside production). */
export declare function createVerificationTokens({ verificationToken: t }: Config): VerificationTokens;
export declare function createOtpService(config: Config, deps: {
    store: OtpStore;
    clock: Clock;
    observer?: OtpObserver;
    logger?: Logger;
    reference?: () => string;
    tokens?: VerificationTokens;
    events?: MerchantEvents;
    intents?: IntentChecker;
    challenge?: Challenge | null;
}): OtpService;
