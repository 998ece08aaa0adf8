import { OtpDeliveryState } from '../delivery/delivery-status.js';
import type { ChallengeKind } from '../edge/challenge/challenge.js';
import { OtpStatus } from '../otp/otp.status.js';
export declare class RequestOtpPayload {
    success: boolean;
    status: OtpStatus;
    message: string;
    email: string;
    expiresAt?: Date | null;
    retryAfterSeconds?: number | null;
    reference?: string | null;
    requestId?: string | null;
}
export declare class ResendOtpPayload {
    success: boolean;
    status: OtpStatus;
    message: string;
    errorCode?: string | null;
    email: string;
    expiresAt?: Date | null;
    retryAfterSeconds?: number | null;
    reference?: string | null;
    requestId?: string | null;
}
export declare class OtpDelivery {
    requestId: string;
    state: OtpDeliveryState;
    updatedAt: Date;
}
export declare class VerifyOtpPayload {
    success: boolean;
    status: OtpStatus;
    message: string;
    errorCode?: string | null;
    attemptsRemaining?: number | null;
    retryAfterSeconds?: number | null;
    verificationToken?: string | null;
}
export declare enum OtpChallengeKind {
    ALTCHA = "altcha",
    TURNSTILE = "turnstile",
    HCAPTCHA = "hcaptcha"
}
export declare class OtpChallenge {
    kind: ChallengeKind;
    siteKey: string | null;
    challengeUrl: string | null;
}
export declare class OtpPolicy {
    ttlSeconds: number;
    codeLength: number;
    maxAttempts: number;
    resendCooldownSeconds: number;
    purpose: string;
    transactionRequired: boolean;
    locales: string[];
    challenge: OtpChallenge | null;
}
