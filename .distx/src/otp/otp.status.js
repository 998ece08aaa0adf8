// The outcomes the API reports, with the stable machine codes and the messages clients see.
// Messages never contain the code, the hash, or anything about another request.
export var OtpStatus;
(function (OtpStatus) {
    OtpStatus["SENT"] = "SENT";
    OtpStatus["VERIFIED"] = "VERIFIED";
    OtpStatus["MISMATCHED"] = "MISMATCHED";
    OtpStatus["EXPIRED"] = "EXPIRED";
    OtpStatus["NOT_FOUND"] = "NOT_FOUND";
    OtpStatus["TOO_MANY_ATTEMPTS"] = "TOO_MANY_ATTEMPTS";
    OtpStatus["RATE_LIMITED"] = "RATE_LIMITED";
})(OtpStatus || (OtpStatus = {}));
export const ERROR_CODES = {
    [OtpStatus.MISMATCHED]: 'OTP_MISMATCHED',
    [OtpStatus.EXPIRED]: 'OTP_EXPIRED',
    [OtpStatus.NOT_FOUND]: 'OTP_NOT_FOUND',
    [OtpStatus.TOO_MANY_ATTEMPTS]: 'OTP_TOO_MANY_ATTEMPTS',
    [OtpStatus.RATE_LIMITED]: 'OTP_RATE_LIMITED',
};
export const MESSAGES = {
    [OtpStatus.SENT]: 'A code has been sent to the email address.',
    [OtpStatus.VERIFIED]: 'The code is correct.',
    [OtpStatus.MISMATCHED]: 'The code is not correct.',
    [OtpStatus.EXPIRED]: 'The code has expired. Request a new one.',
    [OtpStatus.NOT_FOUND]: 'There is no live code for this request. Request a new one.',
    [OtpStatus.TOO_MANY_ATTEMPTS]: 'Too many wrong attempts. Request a new code.',
    [OtpStatus.RATE_LIMITED]: 'Too many codes requested. Try again later.',
};
/** verifyOtp's own words for a refusal: a guess limit, not a request limit. */
export const VERIFY_RATE_LIMITED_MESSAGE = 'Too many attempts to check a code. Try again later.';
/** resendOtp's own words where they differ: an email limit, and nothing to send. */
export const RESEND_MESSAGES = {
    [OtpStatus.SENT]: 'The same code has been sent to the email address again.',
    [OtpStatus.RATE_LIMITED]: 'Too many emails asked for. Try again later.',
    [OtpStatus.EXPIRED]: 'The code has expired, so it cannot be sent again. Request a new one.',
    [OtpStatus.TOO_MANY_ATTEMPTS]: 'Too many wrong attempts: the code cannot be sent again. Request a new one.',
};
//# sourceMappingURL=otp.status.js.map