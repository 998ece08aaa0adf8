import { createChallenge } from '../edge/challenge/challenge.config.js';
import { SendBudgets } from '../edge/send-budgets.js';
import { OtpService } from './otp.service.js';
import { generateSigningKey, VerificationTokens } from './verification-token.js';
/** The token signer from Config; a key made now when none is configured (outside production). */
export function createVerificationTokens({ verificationToken: t }) {
    return new VerificationTokens({ signing: t.signingKey ?? generateSigningKey(), previous: t.previousKeys }, t.ttlSeconds, t.audiences);
}
export function createOtpService(config, deps) {
    const { otp, client } = config;
    const { logger, ...rest } = deps;
    return new OtpService({
        ...rest,
        sendBudgets: new SendBudgets(config.edge.sendBudgets, logger, deps.observer),
        challenge: deps.challenge === undefined ? createChallenge(config.edge.challenge, otp.secret) : deps.challenge,
        secret: otp.secret,
        policy: {
            ttlSeconds: otp.ttlSeconds,
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
//# sourceMappingURL=create-service.js.map