export declare enum OtpStatus {
    SENT = "SENT",
    VERIFIED = "VERIFIED",
    MISMATCHED = "MISMATCHED",
    EXPIRED = "EXPIRED",
    NOT_FOUND = "NOT_FOUND",
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS",
    RATE_LIMITED = "RATE_LIMITED"
}
export declare const ERROR_CODES: Record<Exclude<OtpStatus, OtpStatus.SENT | OtpStatus.VERIFIED>, string>;
export declare const MESSAGES: Record<OtpStatus, string>;
/** verifyOtp's own words for a refusal: a guess limit, not a request limit. */
export declare const VERIFY_RATE_LIMITED_MESSAGE = "Too many attempts to check a code. Try again later.";
/** resendOtp's own words where they differ: an email limit, and nothing to send. */
export declare const RESEND_MESSAGES: Partial<Record<OtpStatus, string>>;
