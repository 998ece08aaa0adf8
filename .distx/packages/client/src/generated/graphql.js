export class TypedDocumentString extends String {
    __apiType;
    value;
    __meta__;
    constructor(value, __meta__) {
        super(value);
        this.value = value;
        this.__meta__ = __meta__;
    }
    toString() {
        return this.value;
    }
}
export const OtpDeliveryDocument = new TypedDocumentString(`
    query OtpDelivery($requestId: ID!) {
  otpDelivery(requestId: $requestId) {
    requestId
    state
    updatedAt
  }
}
    `);
export const OtpDeliveryChangedDocument = new TypedDocumentString(`
    subscription OtpDeliveryChanged($requestId: ID!) {
  otpDeliveryChanged(requestId: $requestId) {
    requestId
    state
    updatedAt
  }
}
    `);
export const OtpPolicyDocument = new TypedDocumentString(`
    query OtpPolicy($purpose: String) {
  otpPolicy(purpose: $purpose) {
    ttlSeconds
    codeLength
    maxAttempts
    resendCooldownSeconds
    purpose
    transactionRequired
    locales
    challenge {
      kind
      siteKey
      challengeUrl
    }
  }
}
    `);
export const RequestOtpDocument = new TypedDocumentString(`
    mutation RequestOtp($input: RequestOtpInput!) {
  requestOtp(input: $input) {
    success
    status
    message
    email
    expiresAt
    retryAfterSeconds
    reference
    requestId
  }
}
    `);
export const ResendOtpDocument = new TypedDocumentString(`
    mutation ResendOtp($input: ResendOtpInput!) {
  resendOtp(input: $input) {
    success
    status
    message
    errorCode
    email
    expiresAt
    retryAfterSeconds
    reference
    requestId
  }
}
    `);
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
    `);
//# sourceMappingURL=graphql.js.map