import type { GraphQLContext } from './context.js';
import { RequestOtpInput, ResendOtpInput, VerifyOtpInput } from './otp.inputs.js';
import { OtpPolicy, RequestOtpPayload, ResendOtpPayload, VerifyOtpPayload } from './otp.types.js';
export declare class OtpResolver {
    otpPolicy(purpose: string | null | undefined, { service }: GraphQLContext): OtpPolicy;
    requestOtp(input: RequestOtpInput, { service, clientIp }: GraphQLContext): Promise<RequestOtpPayload>;
    resendOtp(input: ResendOtpInput, { service, clientIp }: GraphQLContext): Promise<ResendOtpPayload>;
    verifyOtp(input: VerifyOtpInput, { service, clientIp }: GraphQLContext): Promise<VerifyOtpPayload>;
}
