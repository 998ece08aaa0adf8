// Builds the OtpService from Config: used by the app and by tests, so both run the same
// rules from the same settings. It stands beside app.ts, above the concerns it wires: the
// service itself knows nothing of Config or of the email's languages.
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { createChallenge } from './edge/challenge/challenge.config.js';
import type { Challenge } from './edge/challenge/challenge.js';
import { SendBudgets } from './edge/send-budgets.js';
import type { Logger } from './logger.js';
import { SUPPORTED_LOCALES } from './mail/email-values.js';
import type { MerchantEvents } from './webhooks/merchant-events.js';
import { OtpService, type OtpObserver, type ServiceStore } from './otp/otp.service.js';
import type { IntentChecker } from './otp/transaction.js';
import { generateSigningKey, VerificationTokens } from './otp/verification-token.js';

/** The token signer from Config; a key made now when none is configured (outside production). */
export function createVerificationTokens({ verificationToken: t }: Config): VerificationTokens {
  return new VerificationTokens({ signing: t.signingKey ?? generateSigningKey(), previous: t.previousKeys }, t.ttlSeconds, t.audiences);
}

export function createOtpService(
  config: Config,
  deps: { store: ServiceStore; clock: Clock; observer?: OtpObserver; logger?: Logger; reference?: () => string; tokens?: VerificationTokens; events?: MerchantEvents; intents?: IntentChecker; challenge?: Challenge | null },
): OtpService {
  // The rules are config.otp itself, less the secret (which keys the hasher, not a rule).
  const { secret, ...rules } = config.otp;
  const { client } = config;
  const { logger, ...rest } = deps;
  return new OtpService({
    ...rest,
    sendBudgets: new SendBudgets(config.edge.sendBudgets, logger, deps.observer, (merchant) => config.merchants.get(merchant)?.maxEmailsPerWindow),
    challenge: deps.challenge === undefined ? createChallenge(config.edge.challenge, secret) : deps.challenge,
    secret,
    rules,
    clientPolicy: client,
    locales: SUPPORTED_LOCALES,
    tokens: deps.tokens ?? createVerificationTokens(config),
  });
}
