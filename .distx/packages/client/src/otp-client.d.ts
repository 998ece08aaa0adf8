import type { OtpDeliveryChangedSubscription, OtpDeliveryQuery, OtpPolicyQuery, RequestOtpInput, RequestOtpMutation, ResendOtpInput, ResendOtpMutation, VerifyOtpInput, VerifyOtpMutation } from './generated/graphql.js';
export type RequestOtpResult = RequestOtpMutation['requestOtp'];
export type VerifyOtpResult = VerifyOtpMutation['verifyOtp'];
export type ResendOtpResult = ResendOtpMutation['resendOtp'];
/**
 * verifyOtp's input, where `requestId` may be left out: the client then uses the one its
 * latest SENT requestOtp for the same (email, purpose) returned.
 */
export type VerifyOtpArgs = Omit<VerifyOtpInput, 'requestId'> & {
    requestId?: string | null;
};
/**
 * resendOtp's input, where `requestId` may be left out, as for verifyOtp; `purpose` (not sent)
 * only says which remembered request is meant (default "default").
 */
export type ResendOtpArgs = Omit<ResendOtpInput, 'requestId'> & {
    requestId?: string | null;
    purpose?: string | null;
};
export type OtpPolicyResult = OtpPolicyQuery['otpPolicy'];
export type OtpDeliveryResult = OtpDeliveryQuery['otpDelivery'];
export type OtpDeliveryUpdate = OtpDeliveryChangedSubscription['otpDeliveryChanged'];
export interface OtpClientOptions {
    /** The GraphQL endpoint, e.g. https://otp.example.com/graphql */
    url: string;
    /** Defaults to the global fetch. */
    fetch?: typeof fetch;
    /** Extra headers on every request (an X-Request-Id, say). */
    headers?: Record<string, string>;
}
export interface GraphQLErrorShape {
    message: string;
    extensions?: {
        code?: string;
        field?: string;
        [key: string]: unknown;
    };
}
/**
 * A request the server refused as a GraphQL error (malformed input, a query limit), or an
 * answer that was not GraphQL at all. Business outcomes such as a wrong code are not errors:
 * they come back as a payload status.
 */
export declare class OtpClientError extends Error {
    /** `extensions.code` of the first error, e.g. "BAD_USER_INPUT"; "HTTP_ERROR" when there was none. */
    readonly code: string;
    /** For BAD_USER_INPUT: the input field at fault. */
    readonly field: string | undefined;
    readonly status: number;
    readonly errors: GraphQLErrorShape[];
    constructor(message: string, 
    /** `extensions.code` of the first error, e.g. "BAD_USER_INPUT"; "HTTP_ERROR" when there was none. */
    code: string, 
    /** For BAD_USER_INPUT: the input field at fault. */
    field: string | undefined, status: number, errors: GraphQLErrorShape[]);
}
export interface OtpClient {
    /** Asks for a code; when SENT, the client remembers its requestId for verifyOtp and resendOtp. */
    requestOtp(input: RequestOtpInput): Promise<RequestOtpResult>;
    /** Checks a code against its own request (the remembered one unless `requestId` is given). */
    verifyOtp(input: VerifyOtpArgs): Promise<VerifyOtpResult>;
    /** Emails a live code again: the same code, expiry and reference. */
    resendOtp(input: ResendOtpArgs): Promise<ResendOtpResult>;
    /** The requestId this client remembers for (email, purpose), or null. */
    requestIdFor(email: string, purpose?: string | null): string | null;
    /** The rules for `purpose` (default "default"). */
    otpPolicy(purpose?: string): Promise<OtpPolicyResult>;
    /** Where a code's email stands, by requestOtp's requestId; null for an unknown id or a code that is gone. */
    otpDelivery(requestId: string): Promise<OtpDeliveryResult>;
}
/**
 * The part of a graphql-ws client (`createClient` from "graphql-ws") that watchOtpDelivery
 * uses: the typed client does not bundle a WebSocket client, it works with yours.
 */
export interface GraphQLWsClientLike {
    subscribe(payload: {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
    }, sink: {
        next(value: {
            data?: unknown;
            errors?: readonly unknown[] | null;
        }): void;
        error(error: unknown): void;
        complete(): void;
    }): () => void;
}
/**
 * Follows a code's delivery (otpDeliveryChanged) over `wsClient`: `onUpdate` hears the state
 * now and each change; `onEnd` when the state is final, the code expired or is gone, or on an
 * error. Returns a function that stops following.
 */
export declare function watchOtpDelivery(wsClient: GraphQLWsClientLike, requestId: string, onUpdate: (update: OtpDeliveryUpdate) => void, onEnd?: (error?: unknown) => void): () => void;
export declare function createOtpClient({ url, fetch: fetchFn, headers }: OtpClientOptions): OtpClient;
