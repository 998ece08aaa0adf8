var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
// The GraphQL output types. Field names are a contract with every client: add, never rename.
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OtpDeliveryState } from '../delivery/delivery-status.js';
import { OtpStatus } from '../otp/otp.status.js';
registerEnumType(OtpStatus, { name: 'OtpStatus', description: 'The outcome of a request or a verification.' });
registerEnumType(OtpDeliveryState, {
    name: 'DeliveryState',
    description: "Where a code's email stands. DELIVERED, BOUNCED, DROPPED, FAILED and EXPIRED are final.",
    valuesConfig: {
        PENDING: { description: 'Stored, waiting to be sent (also while waiting to retry after SendGrid was unavailable).' },
        SENDING: { description: 'Being handed to SendGrid.' },
        SENT: { description: 'SendGrid accepted it (202): not yet news of delivery.' },
        DELIVERED: { description: "The receiving server accepted it (SendGrid's delivered event)." },
        DEFERRED: { description: 'The receiving server asked SendGrid to try again later.' },
        BOUNCED: { description: 'The receiving server refused it (a bounce or a block).' },
        DROPPED: { description: 'SendGrid did not send it (a suppressed or invalid address).' },
        FAILED: { description: 'SendGrid refused it, or the code expired before it could be handed over.' },
        EXPIRED: { description: 'The code expired before its email reached a final state.' },
    },
});
let RequestOtpPayload = class RequestOtpPayload {
    success;
    status;
    message;
    email;
    expiresAt;
    retryAfterSeconds;
    reference;
    requestId;
};
__decorate([
    Field((_type) => Boolean),
    __metadata("design:type", Boolean)
], RequestOtpPayload.prototype, "success", void 0);
__decorate([
    Field((_type) => OtpStatus),
    __metadata("design:type", String)
], RequestOtpPayload.prototype, "status", void 0);
__decorate([
    Field((_type) => String),
    __metadata("design:type", String)
], RequestOtpPayload.prototype, "message", void 0);
__decorate([
    Field((_type) => String, { description: 'The address the code was sent to, normalised.' }),
    __metadata("design:type", String)
], RequestOtpPayload.prototype, "email", void 0);
__decorate([
    Field((_type) => DateTimeISOResolver, { nullable: true, description: 'When the new code dies (null when not sent).' }),
    __metadata("design:type", Object)
], RequestOtpPayload.prototype, "expiresAt", void 0);
__decorate([
    Field((_type) => Int, { nullable: true, description: 'Set when RATE_LIMITED: seconds until a new code may be requested.' }),
    __metadata("design:type", Object)
], RequestOtpPayload.prototype, "retryAfterSeconds", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: 'Set when SENT: 4 characters printed on the email ("enter the code from the email marked K7QM"). Not a secret.',
    }),
    __metadata("design:type", Object)
], RequestOtpPayload.prototype, "reference", void 0);
__decorate([
    Field((_type) => ID, {
        nullable: true,
        description: 'Set when SENT: the request\'s handle, needed by verifyOtp and resendOtp, and by otpDelivery and otpDeliveryChanged. Opaque and unguessable; it names neither the address nor the code.',
    }),
    __metadata("design:type", Object)
], RequestOtpPayload.prototype, "requestId", void 0);
RequestOtpPayload = __decorate([
    ObjectType({ description: 'The answer to requestOtp. The code itself is only ever in the email.' })
], RequestOtpPayload);
export { RequestOtpPayload };
let ResendOtpPayload = class ResendOtpPayload {
    success;
    status;
    message;
    errorCode;
    email;
    expiresAt;
    retryAfterSeconds;
    reference;
    requestId;
};
__decorate([
    Field((_type) => Boolean),
    __metadata("design:type", Boolean)
], ResendOtpPayload.prototype, "success", void 0);
__decorate([
    Field((_type) => OtpStatus, { description: 'SENT, RATE_LIMITED, or why there is nothing to resend: NOT_FOUND, EXPIRED, TOO_MANY_ATTEMPTS.' }),
    __metadata("design:type", String)
], ResendOtpPayload.prototype, "status", void 0);
__decorate([
    Field((_type) => String),
    __metadata("design:type", String)
], ResendOtpPayload.prototype, "message", void 0);
__decorate([
    Field((_type) => String, { nullable: true, description: 'Stable machine code for every failure status.' }),
    __metadata("design:type", Object)
], ResendOtpPayload.prototype, "errorCode", void 0);
__decorate([
    Field((_type) => String, { description: 'The address, normalised.' }),
    __metadata("design:type", String)
], ResendOtpPayload.prototype, "email", void 0);
__decorate([
    Field((_type) => DateTimeISOResolver, { nullable: true, description: "Set when SENT: when the code dies (the first email's expiry: a resend does not extend it)." }),
    __metadata("design:type", Object)
], ResendOtpPayload.prototype, "expiresAt", void 0);
__decorate([
    Field((_type) => Int, { nullable: true, description: 'Set when RATE_LIMITED: seconds until another email may be asked for.' }),
    __metadata("design:type", Object)
], ResendOtpPayload.prototype, "retryAfterSeconds", void 0);
__decorate([
    Field((_type) => String, { nullable: true, description: "Set when SENT: the code's reference, the same as on the first email." }),
    __metadata("design:type", Object)
], ResendOtpPayload.prototype, "reference", void 0);
__decorate([
    Field((_type) => ID, { nullable: true, description: 'Set when SENT: the same requestId.' }),
    __metadata("design:type", Object)
], ResendOtpPayload.prototype, "requestId", void 0);
ResendOtpPayload = __decorate([
    ObjectType({ description: 'The answer to resendOtp. The code itself is only ever in the email.' })
], ResendOtpPayload);
export { ResendOtpPayload };
let OtpDelivery = class OtpDelivery {
    requestId;
    state;
    updatedAt;
};
__decorate([
    Field((_type) => ID),
    __metadata("design:type", String)
], OtpDelivery.prototype, "requestId", void 0);
__decorate([
    Field((_type) => OtpDeliveryState),
    __metadata("design:type", String)
], OtpDelivery.prototype, "state", void 0);
__decorate([
    Field((_type) => DateTimeISOResolver, { description: 'When the state last changed (for EXPIRED: when the code expired).' }),
    __metadata("design:type", Date)
], OtpDelivery.prototype, "updatedAt", void 0);
OtpDelivery = __decorate([
    ObjectType({ description: "A code's email, as far as SendGrid has told. Never the address or the code." })
], OtpDelivery);
export { OtpDelivery };
let VerifyOtpPayload = class VerifyOtpPayload {
    success;
    status;
    message;
    errorCode;
    attemptsRemaining;
    retryAfterSeconds;
    verificationToken;
};
__decorate([
    Field((_type) => Boolean),
    __metadata("design:type", Boolean)
], VerifyOtpPayload.prototype, "success", void 0);
__decorate([
    Field((_type) => OtpStatus),
    __metadata("design:type", String)
], VerifyOtpPayload.prototype, "status", void 0);
__decorate([
    Field((_type) => String),
    __metadata("design:type", String)
], VerifyOtpPayload.prototype, "message", void 0);
__decorate([
    Field((_type) => String, { nullable: true, description: 'Stable machine code for every failure status.' }),
    __metadata("design:type", Object)
], VerifyOtpPayload.prototype, "errorCode", void 0);
__decorate([
    Field((_type) => Int, { nullable: true, description: 'Wrong guesses left for this code, after a MISMATCHED.' }),
    __metadata("design:type", Object)
], VerifyOtpPayload.prototype, "attemptsRemaining", void 0);
__decorate([
    Field((_type) => Int, { nullable: true, description: 'Set when RATE_LIMITED: seconds until another verification may be tried.' }),
    __metadata("design:type", Object)
], VerifyOtpPayload.prototype, "retryAfterSeconds", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: 'On VERIFIED: a short-lived JWT signed with EdDSA (keys at /.well-known/jwks.json): iss "otp-graphql", sub and email = the address, aud, purpose, transaction when one was bound, amr ["otp"], otp_channel "email", iat, exp, jti.',
    }),
    __metadata("design:type", Object)
], VerifyOtpPayload.prototype, "verificationToken", void 0);
VerifyOtpPayload = __decorate([
    ObjectType({ description: 'The answer to verifyOtp.' })
], VerifyOtpPayload);
export { VerifyOtpPayload };
export var OtpChallengeKind;
(function (OtpChallengeKind) {
    OtpChallengeKind["ALTCHA"] = "altcha";
    OtpChallengeKind["TURNSTILE"] = "turnstile";
    OtpChallengeKind["HCAPTCHA"] = "hcaptcha";
})(OtpChallengeKind || (OtpChallengeKind = {}));
registerEnumType(OtpChallengeKind, { name: 'OtpChallengeKind', description: 'Which bot check: ALTCHA (self-hosted proof of work), Cloudflare Turnstile or hCaptcha.' });
let OtpChallenge = class OtpChallenge {
    kind; // the enum's values are these names
    siteKey;
    challengeUrl;
};
__decorate([
    Field((_type) => OtpChallengeKind),
    __metadata("design:type", String)
], OtpChallenge.prototype, "kind", void 0);
__decorate([
    Field((_type) => String, { nullable: true, description: "Turnstile's or hCaptcha's public site key, for the widget." }),
    __metadata("design:type", Object)
], OtpChallenge.prototype, "siteKey", void 0);
__decorate([
    Field((_type) => String, { nullable: true, description: "ALTCHA: the path (on this service) the widget's challengeurl points at." }),
    __metadata("design:type", Object)
], OtpChallenge.prototype, "challengeUrl", void 0);
OtpChallenge = __decorate([
    ObjectType({ description: "The bot check requestOtp wants: show its widget, and send the widget's token as requestOtp's challenge." })
], OtpChallenge);
export { OtpChallenge };
let OtpPolicy = class OtpPolicy {
    ttlSeconds;
    codeLength;
    maxAttempts;
    resendCooldownSeconds;
    purpose;
    transactionRequired;
    locales;
    challenge;
};
__decorate([
    Field((_type) => Int),
    __metadata("design:type", Number)
], OtpPolicy.prototype, "ttlSeconds", void 0);
__decorate([
    Field((_type) => Int),
    __metadata("design:type", Number)
], OtpPolicy.prototype, "codeLength", void 0);
__decorate([
    Field((_type) => Int),
    __metadata("design:type", Number)
], OtpPolicy.prototype, "maxAttempts", void 0);
__decorate([
    Field((_type) => Int),
    __metadata("design:type", Number)
], OtpPolicy.prototype, "resendCooldownSeconds", void 0);
__decorate([
    Field((_type) => String, { description: 'The purpose these rules are for (the one asked about, or "default").' }),
    __metadata("design:type", String)
], OtpPolicy.prototype, "purpose", void 0);
__decorate([
    Field((_type) => Boolean, { description: 'Whether requestOtp for this purpose must give a transaction.' }),
    __metadata("design:type", Boolean)
], OtpPolicy.prototype, "transactionRequired", void 0);
__decorate([
    Field((_type) => [String], { description: 'The languages emails are written in (BCP 47); others fall back to the closest, else the first.' }),
    __metadata("design:type", Array)
], OtpPolicy.prototype, "locales", void 0);
__decorate([
    Field((_type) => OtpChallenge, { nullable: true, description: 'The bot check requestOtp wants, or null when none is on.' }),
    __metadata("design:type", Object)
], OtpPolicy.prototype, "challenge", void 0);
OtpPolicy = __decorate([
    ObjectType({ description: 'The rules in force, so a frontend can size its input and its countdowns.' })
], OtpPolicy);
export { OtpPolicy };
//# sourceMappingURL=otp.types.js.map