/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends {
    [key: string]: unknown;
}> = {
    [K in keyof T]: T[K];
};
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | {
    [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never;
};
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Where a code's email stands. DELIVERED, BOUNCED, DROPPED, FAILED and EXPIRED are final. */
export type DeliveryState = 
/** The receiving server refused it (a bounce or a block). */
'BOUNCED'
/** The receiving server asked SendGrid to try again later. */
 | 'DEFERRED'
/** The receiving server accepted it (SendGrid's delivered event). */
 | 'DELIVERED'
/** SendGrid did not send it (a suppressed or invalid address). */
 | 'DROPPED'
/** The code expired before its email reached a final state. */
 | 'EXPIRED'
/** SendGrid refused it, or the code expired before it could be handed over. */
 | 'FAILED'
/** Stored, waiting to be sent (also while waiting to retry after SendGrid was unavailable). */
 | 'PENDING'
/** Being handed to SendGrid. */
 | 'SENDING'
/** SendGrid accepted it (202): not yet news of delivery. */
 | 'SENT';
/** Which bot check: ALTCHA (self-hosted proof of work), Cloudflare Turnstile or hCaptcha. */
export type OtpChallengeKind = 'ALTCHA' | 'HCAPTCHA' | 'TURNSTILE';
/** The outcome of a request or a verification. */
export type OtpStatus = 'EXPIRED' | 'MISMATCHED' | 'NOT_FOUND' | 'RATE_LIMITED' | 'SENT' | 'TOO_MANY_ATTEMPTS' | 'VERIFIED';
/** Who to send a code to, and what for. */
export type RequestOtpInput = {
    /** The bot check's token, when otpPolicy.challenge says one is on: the ALTCHA widget's payload, or the Turnstile or hCaptcha widget's response. Single use. */
    challenge?: string | null | undefined;
    /** Trimmed and lower-cased before use; at most 254 characters. */
    email: string;
    /** BCP 47 language tag for the email ("ms", "zh-CN"); the closest of otpPolicy.locales is used, else English. */
    locale?: string | null | undefined;
    /** For a payment: the payment intent the merchant's backend signed (amount, currency, payee and an id come from it, never from the browser). Required for the purposes in otpPolicy(purpose).transactionRequired; single use. */
    paymentIntent?: string | null | undefined;
    /** What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default". */
    purpose?: string | null | undefined;
};
/** A live code to email again: the same code, expiry and reference. */
export type ResendOtpInput = {
    /** The address the code was requested for. */
    email: string;
    /** requestOtp's requestId. */
    requestId: string | number;
};
/** A code to check: the one the request named by requestId issued, and no other. */
export type VerifyOtpInput = {
    /** The verification token's aud: one of the service's VERIFICATION_TOKEN_AUDIENCES (default: the first). */
    audience?: string | null | undefined;
    /** The address the code was requested for. */
    email: string;
    /** The digits from the email (exact length: see otpPolicy.codeLength). */
    otp: string;
    /** The payment intent the code was requested with, unchanged; another (or none) answers MISMATCHED. */
    paymentIntent?: string | null | undefined;
    /** The purpose the code was requested for. Default "default". */
    purpose?: string | null | undefined;
    /** requestOtp's requestId: the code is checked against that request's code only. */
    requestId: string | number;
};
export type OtpDeliveryQueryVariables = Exact<{
    requestId: string | number;
}>;
export type OtpDeliveryQuery = {
    otpDelivery: {
        requestId: string;
        state: DeliveryState;
        updatedAt: string;
    } | null;
};
export type OtpDeliveryChangedSubscriptionVariables = Exact<{
    requestId: string | number;
}>;
export type OtpDeliveryChangedSubscription = {
    otpDeliveryChanged: {
        requestId: string;
        state: DeliveryState;
        updatedAt: string;
    };
};
export type OtpPolicyQueryVariables = Exact<{
    purpose?: string | null | undefined;
}>;
export type OtpPolicyQuery = {
    otpPolicy: {
        ttlSeconds: number;
        codeLength: number;
        maxAttempts: number;
        resendCooldownSeconds: number;
        purpose: string;
        transactionRequired: boolean;
        locales: Array<string>;
        challenge: {
            kind: OtpChallengeKind;
            siteKey: string | null;
            challengeUrl: string | null;
        } | null;
    };
};
export type RequestOtpMutationVariables = Exact<{
    input: RequestOtpInput;
}>;
export type RequestOtpMutation = {
    requestOtp: {
        success: boolean;
        status: OtpStatus;
        message: string;
        email: string;
        expiresAt: string | null;
        retryAfterSeconds: number | null;
        reference: string | null;
        requestId: string | null;
    };
};
export type ResendOtpMutationVariables = Exact<{
    input: ResendOtpInput;
}>;
export type ResendOtpMutation = {
    resendOtp: {
        success: boolean;
        status: OtpStatus;
        message: string;
        errorCode: string | null;
        email: string;
        expiresAt: string | null;
        retryAfterSeconds: number | null;
        reference: string | null;
        requestId: string | null;
    };
};
export type VerifyOtpMutationVariables = Exact<{
    input: VerifyOtpInput;
}>;
export type VerifyOtpMutation = {
    verifyOtp: {
        success: boolean;
        status: OtpStatus;
        message: string;
        errorCode: string | null;
        attemptsRemaining: number | null;
        retryAfterSeconds: number | null;
        verificationToken: string | null;
    };
};
export declare class TypedDocumentString<TResult, TVariables> extends String implements DocumentTypeDecoration<TResult, TVariables> {
    __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
    private value;
    __meta__?: Record<string, any> | undefined;
    constructor(value: string, __meta__?: Record<string, any> | undefined);
    toString(): string & DocumentTypeDecoration<TResult, TVariables>;
}
export declare const OtpDeliveryDocument: TypedDocumentString<OtpDeliveryQuery, OtpDeliveryQueryVariables>;
export declare const OtpDeliveryChangedDocument: TypedDocumentString<OtpDeliveryChangedSubscription, OtpDeliveryChangedSubscriptionVariables>;
export declare const OtpPolicyDocument: TypedDocumentString<OtpPolicyQuery, OtpPolicyQueryVariables>;
export declare const RequestOtpDocument: TypedDocumentString<RequestOtpMutation, RequestOtpMutationVariables>;
export declare const ResendOtpDocument: TypedDocumentString<ResendOtpMutation, ResendOtpMutationVariables>;
export declare const VerifyOtpDocument: TypedDocumentString<VerifyOtpMutation, VerifyOtpMutationVariables>;
export {};
