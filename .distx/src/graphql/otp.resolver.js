var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
// Thin resolvers: read the input, call the service, shape the payload. No rules here.
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ERROR_CODES, MESSAGES, OtpStatus, RESEND_MESSAGES, VERIFY_RATE_LIMITED_MESSAGE } from '../otp/otp.status.js';
import { RequestOtpInput, ResendOtpInput, VerifyOtpInput } from './otp.inputs.js';
import { OtpPolicy, RequestOtpPayload, ResendOtpPayload, VerifyOtpPayload } from './otp.types.js';
let OtpResolver = class OtpResolver {
    otpPolicy(purpose, { service }) {
        return service.policyFor(purpose);
    }
    async requestOtp(input, { service, clientIp }) {
        const result = await service.requestOtp(input, { clientIp });
        return {
            success: result.status === OtpStatus.SENT,
            status: result.status,
            message: MESSAGES[result.status],
            email: result.email,
            expiresAt: result.status === OtpStatus.SENT ? result.expiresAt : null,
            retryAfterSeconds: result.status === OtpStatus.RATE_LIMITED ? result.retryAfterSeconds : null,
            reference: result.status === OtpStatus.SENT ? result.reference : null,
            requestId: result.status === OtpStatus.SENT ? result.requestId : null,
        };
    }
    async resendOtp(input, { service, clientIp }) {
        const result = await service.resendOtp(input, { clientIp });
        const sent = result.status === OtpStatus.SENT ? result : null;
        return {
            success: sent !== null,
            status: result.status,
            message: RESEND_MESSAGES[result.status] ?? MESSAGES[result.status],
            errorCode: result.status === OtpStatus.SENT ? null : ERROR_CODES[result.status],
            email: result.email,
            expiresAt: sent?.expiresAt ?? null,
            retryAfterSeconds: result.status === OtpStatus.RATE_LIMITED ? result.retryAfterSeconds : null,
            reference: sent?.reference ?? null,
            requestId: sent?.requestId ?? null,
        };
    }
    async verifyOtp(input, { service, clientIp }) {
        const result = await service.verifyOtp(input, { clientIp });
        return {
            success: result.status === OtpStatus.VERIFIED,
            status: result.status,
            message: result.status === OtpStatus.RATE_LIMITED ? VERIFY_RATE_LIMITED_MESSAGE : MESSAGES[result.status],
            errorCode: result.status === OtpStatus.VERIFIED ? null : ERROR_CODES[result.status],
            attemptsRemaining: result.attemptsRemaining ?? null,
            retryAfterSeconds: result.retryAfterSeconds ?? null,
            verificationToken: result.verificationToken ?? null,
        };
    }
};
__decorate([
    Query((_returns) => OtpPolicy, { description: 'The rules in force, for a purpose (default "default").' }),
    __param(0, Arg('purpose', (_type) => String, { nullable: true })),
    __param(1, Ctx()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", OtpPolicy)
], OtpResolver.prototype, "otpPolicy", null);
__decorate([
    Mutation((_returns) => RequestOtpPayload, {
        description: "Stores a new code for the address and emails it. The address's earlier live codes stay live: each verifies with its own requestId.",
    }),
    __param(0, Arg('input', (_type) => RequestOtpInput)),
    __param(1, Ctx()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [RequestOtpInput, Object]),
    __metadata("design:returntype", Promise)
], OtpResolver.prototype, "requestOtp", null);
__decorate([
    Mutation((_returns) => ResendOtpPayload, {
        description: 'Emails a live code again (same code, expiry, attempts and reference), under the same cooldown and send window as requestOtp.',
    }),
    __param(0, Arg('input', (_type) => ResendOtpInput)),
    __param(1, Ctx()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [ResendOtpInput, Object]),
    __metadata("design:returntype", Promise)
], OtpResolver.prototype, "resendOtp", null);
__decorate([
    Mutation((_returns) => VerifyOtpPayload, { description: 'Checks the code of the request named by requestId. A right code is consumed.' }),
    __param(0, Arg('input', (_type) => VerifyOtpInput)),
    __param(1, Ctx()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [VerifyOtpInput, Object]),
    __metadata("design:returntype", Promise)
], OtpResolver.prototype, "verifyOtp", null);
OtpResolver = __decorate([
    Resolver()
], OtpResolver);
export { OtpResolver };
//# sourceMappingURL=otp.resolver.js.map