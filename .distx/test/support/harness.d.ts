import { pino } from 'pino';
import { type App, type AppOverrides } from '../../src/app.js';
import { type OtpClient } from '../../packages/client/src/index.js';
import { FakeSendGrid } from './fake-sendgrid.js';
export declare const TEST_SECRET = "test-secret-tS7kQ2vZ9xW4bN1mR8cH3jL6pF0dG5yE_uA";
/** A verification-token signing key for tests that configure one (production wants one). */
export declare const TEST_TOKEN_KEY: string;
export declare const TEST_API_KEY = "SG.test-key-not-real";
export interface GraphQLResponse<T = Record<string, any>> {
    status: number;
    headers: Headers;
    data?: T | null;
    errors?: {
        message: string;
        extensions?: Record<string, any>;
    }[];
}
export interface Harness {
    app: App;
    url: string;
    sendgrid: FakeSendGrid;
    /** The shipped typed client, pointed at the server. */
    client: OtpClient;
    /** Every log line the service wrote, as text. */
    logs: string[];
    gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
    close(): Promise<void>;
}
/** Captures pino's output in memory so tests can read (and scan) the logs. */
export declare function memoryLogger(lines: string[]): pino.Logger<never, boolean>;
export declare function startHarness(env?: Record<string, string>, overrides?: AppOverrides): Promise<Harness>;
/** Runs `body` against a server started with `env`, and always closes it. */
export declare function withHarness(env: Record<string, string>, body: (h: Harness) => Promise<void>): Promise<void>;
/** The service's published token keys, as a merchant's backend fetches them. */
export declare const jwksOf: (graphqlUrl: string) => import("jose").RemoteJWKSet;
export declare const REQUEST_OTP = "\n  mutation RequestOtp($input: RequestOtpInput!) {\n    requestOtp(input: $input) { success status message email expiresAt retryAfterSeconds requestId }\n  }\n";
export declare const RESEND_OTP = "\n  mutation ResendOtp($input: ResendOtpInput!) {\n    resendOtp(input: $input) { success status message errorCode email expiresAt retryAfterSeconds reference requestId }\n  }\n";
export declare const VERIFY_OTP = "\n  mutation VerifyOtp($input: VerifyOtpInput!) {\n    verifyOtp(input: $input) { success status message errorCode attemptsRemaining retryAfterSeconds }\n  }\n";
/** A code of the right length that is not `code`. */
export declare function wrongCode(code: string): string;
