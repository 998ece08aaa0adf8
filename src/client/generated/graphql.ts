/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The outcome of a request or a verification. */
export type OtpStatus =
  | 'EXPIRED'
  | 'MISMATCHED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'SENT'
  | 'TOO_MANY_ATTEMPTS'
  | 'VERIFIED';

/** Who to send a code to, and what for. */
export type RequestOtpInput = {
  /** Trimmed and lower-cased before use; at most 254 characters. */
  email: string;
  /** What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default". */
  purpose?: string | null | undefined;
};

/** A code to check. */
export type VerifyOtpInput = {
  /** Trimmed and lower-cased before use; at most 254 characters. */
  email: string;
  /** The digits from the email (exact length: see otpPolicy.codeLength). */
  otp: string;
  /** What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default". */
  purpose?: string | null | undefined;
};

export type OtpPolicyQueryVariables = Exact<{ [key: string]: never; }>;


export type OtpPolicyQuery = { otpPolicy: { ttlSeconds: number, codeLength: number, maxAttempts: number, resendCooldownSeconds: number } };

export type RequestOtpMutationVariables = Exact<{
  input: RequestOtpInput;
}>;


export type RequestOtpMutation = { requestOtp: { success: boolean, status: OtpStatus, message: string, email: string, expiresAt: string | null, retryAfterSeconds: number | null } };

export type VerifyOtpMutationVariables = Exact<{
  input: VerifyOtpInput;
}>;


export type VerifyOtpMutation = { verifyOtp: { success: boolean, status: OtpStatus, message: string, errorCode: string | null, attemptsRemaining: number | null, retryAfterSeconds: number | null, verificationToken: string | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const OtpPolicyDocument = new TypedDocumentString(`
    query OtpPolicy {
  otpPolicy {
    ttlSeconds
    codeLength
    maxAttempts
    resendCooldownSeconds
  }
}
    `) as unknown as TypedDocumentString<OtpPolicyQuery, OtpPolicyQueryVariables>;
export const RequestOtpDocument = new TypedDocumentString(`
    mutation RequestOtp($input: RequestOtpInput!) {
  requestOtp(input: $input) {
    success
    status
    message
    email
    expiresAt
    retryAfterSeconds
  }
}
    `) as unknown as TypedDocumentString<RequestOtpMutation, RequestOtpMutationVariables>;
export const VerifyOtpDocument = new TypedDocumentString(`
    mutation VerifyOtp($input: VerifyOtpInput!) {
  verifyOtp(input: $input) {
    success
    status
    message
    errorCode
    attemptsRemaining
    retryAfterSeconds
    verificationToken
  }
}
    `) as unknown as TypedDocumentString<VerifyOtpMutation, VerifyOtpMutationVariables>;