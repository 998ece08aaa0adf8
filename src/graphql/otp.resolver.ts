// Thin resolvers: read the input, call the service, shape the payload. No rules here.
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ERROR_CODES, MESSAGES, OtpStatus, RESEND_MESSAGES, VERIFY_RATE_LIMITED_MESSAGE } from '../otp/otp.status.js';
import type { GraphQLContext } from './context.js';
import { RequestOtpInput, ResendOtpInput, VerifyOtpInput } from './otp.inputs.js';
import { OtpPolicy, RequestOtpPayload, ResendOtpPayload, VerifyOtpPayload } from './otp.types.js';

@Resolver()
export class OtpResolver {
  @Query((_returns) => OtpPolicy, { description: 'The rules in force, for a purpose (default "default").' })
  otpPolicy(
    @Arg('purpose', (_type) => String, { nullable: true }) purpose: string | null | undefined,
    @Ctx() { service }: GraphQLContext,
  ): OtpPolicy {
    return service.policyFor(purpose);
  }

  @Mutation((_returns) => RequestOtpPayload, {
    description: "Stores a new code for the address and emails it. The address's earlier live codes stay live: each verifies with its own requestId.",
  })
  async requestOtp(
    @Arg('input', (_type) => RequestOtpInput) input: RequestOtpInput,
    @Ctx() { service, clientIp }: GraphQLContext,
  ): Promise<RequestOtpPayload> {
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

  @Mutation((_returns) => ResendOtpPayload, {
    description: 'Emails a live code again (same code, expiry, attempts and reference), under the same cooldown and send window as requestOtp.',
  })
  async resendOtp(
    @Arg('input', (_type) => ResendOtpInput) input: ResendOtpInput,
    @Ctx() { service, clientIp }: GraphQLContext,
  ): Promise<ResendOtpPayload> {
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

  @Mutation((_returns) => VerifyOtpPayload, { description: 'Checks the code of the request named by requestId. A right code is consumed.' })
  async verifyOtp(
    @Arg('input', (_type) => VerifyOtpInput) input: VerifyOtpInput,
    @Ctx() { service, clientIp }: GraphQLContext,
  ): Promise<VerifyOtpPayload> {
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
}
