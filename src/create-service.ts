// Builds the OtpService from Config: used by the app and by tests, so both run the same
// policy from the same settings.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { createChallenge } from '../edge/challenge/challenge.config.js';
import type { Challenge } from '../edge/challenge/challenge.js';
import { SendBudgets } from '../edge/send-budgets.js';
import type { Logger } from '../logger.js';
import type { MerchantEvents } from '../webhooks/merchant-events.js';
import { OtpService, type OtpObserver, type ServiceStore } from './otp.service.js';
import type { IntentChecker } from './transaction.js';
import { generateSigningKey, VerificationTokens } from './verification-token.js';

/** The token signer from Config; a key made now when none is configured (outside production). */
export function createVerificationTokens({ verificationToken: t }: Config): VerificationTokens {
  return new VerificationTokens({ signing: t.signingKey ?? generateSigningKey(), previous: t.previousKeys }, t.ttlSeconds, t.audiences);
}

export function createOtpService(
  config: Config,
  deps: { store: ServiceStore; clock: Clock; observer?: OtpObserver; logger?: Logger; reference?: () => string; tokens?: VerificationTokens; events?: MerchantEvents; intents?: IntentChecker; challenge?: Challenge | null },
): OtpService {
  const { otp, client } = config;
  const { logger, ...rest } = deps;
  return new OtpService({
    ...rest,
    sendBudgets: new SendBudgets(config.edge.sendBudgets, logger, deps.observer),
    challenge: deps.challenge === undefined ? createChallenge(config.edge.challenge, otp.secret) : deps.challenge,
    secret: otp.secret,
    policy: {
      ttlSeconds: otp.ttlSeconds,
      ttlSecondsByPurpose: otp.ttlSecondsByPurpose,
      codeLength: otp.length,
      maxAttempts: otp.maxAttempts,
      resendCooldownSeconds: otp.resendCooldownSeconds,
      maxSendsPerWindow: otp.maxSendsPerWindow,
      sendWindowSeconds: otp.sendWindowSeconds,
      maxGuessesPerWindow: otp.maxGuessesPerWindow,
      guessWindowSeconds: otp.guessWindowSeconds,
      transactionPurposes: otp.transactionPurposes,
    },
    clientPolicy: client,
    tokens: deps.tokens ?? createVerificationTokens(config),
  });
}
