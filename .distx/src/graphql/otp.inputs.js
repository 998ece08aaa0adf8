var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
// The GraphQL inputs. Their rules (address shape, code digits, purpose, payment intent, locale)
// live in otp/ and are applied by the service, in one place for every caller; the resolver
// turns a refusal into BAD_USER_INPUT naming the field. (class-validator ran the same rules a
// second time and cost about a third of requestOtp's throughput: see the README's Performance
// section.)
import { Field, ID, InputType } from 'type-graphql';
let RequestOtpInput = class RequestOtpInput {
    email;
    purpose;
    paymentIntent;
    locale;
    challenge;
};
__decorate([
    Field((_type) => String, { description: 'Trimmed and lower-cased before use; at most 254 characters.' }),
    __metadata("design:type", String)
], RequestOtpInput.prototype, "email", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: 'What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default".',
    }),
    __metadata("design:type", Object)
], RequestOtpInput.prototype, "purpose", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: "For a payment: the payment intent the merchant's backend signed (amount, currency, payee and an id come from it, never from the browser). Required for the purposes in otpPolicy(purpose).transactionRequired; single use.",
    }),
    __metadata("design:type", Object)
], RequestOtpInput.prototype, "paymentIntent", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: 'BCP 47 language tag for the email ("ms", "zh-CN"); the closest of otpPolicy.locales is used, else English.',
    }),
    __metadata("design:type", Object)
], RequestOtpInput.prototype, "locale", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: "The bot check's token, when otpPolicy.challenge says one is on: the ALTCHA widget's payload, or the Turnstile or hCaptcha widget's response. Single use.",
    }),
    __metadata("design:type", Object)
], RequestOtpInput.prototype, "challenge", void 0);
RequestOtpInput = __decorate([
    InputType({ description: 'Who to send a code to, and what for.' })
], RequestOtpInput);
export { RequestOtpInput };
let VerifyOtpInput = class VerifyOtpInput {
    email;
    requestId;
    purpose;
    otp;
    paymentIntent;
    audience;
};
__decorate([
    Field((_type) => String, { description: 'The address the code was requested for.' }),
    __metadata("design:type", String)
], VerifyOtpInput.prototype, "email", void 0);
__decorate([
    Field((_type) => ID, { description: "requestOtp's requestId: the code is checked against that request's code only." }),
    __metadata("design:type", String)
], VerifyOtpInput.prototype, "requestId", void 0);
__decorate([
    Field((_type) => String, { nullable: true, description: 'The purpose the code was requested for. Default "default".' }),
    __metadata("design:type", Object)
], VerifyOtpInput.prototype, "purpose", void 0);
__decorate([
    Field((_type) => String, { description: 'The digits from the email (exact length: see otpPolicy.codeLength).' }),
    __metadata("design:type", String)
], VerifyOtpInput.prototype, "otp", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: 'The payment intent the code was requested with, unchanged; another (or none) answers MISMATCHED.',
    }),
    __metadata("design:type", Object)
], VerifyOtpInput.prototype, "paymentIntent", void 0);
__decorate([
    Field((_type) => String, {
        nullable: true,
        description: "The verification token's aud: one of the service's VERIFICATION_TOKEN_AUDIENCES (default: the first).",
    }),
    __metadata("design:type", Object)
], VerifyOtpInput.prototype, "audience", void 0);
VerifyOtpInput = __decorate([
    InputType({ description: 'A code to check: the one the request named by requestId issued, and no other.' })
], VerifyOtpInput);
export { VerifyOtpInput };
let ResendOtpInput = class ResendOtpInput {
    email;
    requestId;
};
__decorate([
    Field((_type) => String, { description: 'The address the code was requested for.' }),
    __metadata("design:type", String)
], ResendOtpInput.prototype, "email", void 0);
__decorate([
    Field((_type) => ID, { description: "requestOtp's requestId." }),
    __metadata("design:type", String)
], ResendOtpInput.prototype, "requestId", void 0);
ResendOtpInput = __decorate([
    InputType({ description: 'A live code to email again: the same code, expiry and reference.' })
], ResendOtpInput);
export { ResendOtpInput };
//# sourceMappingURL=otp.inputs.js.map