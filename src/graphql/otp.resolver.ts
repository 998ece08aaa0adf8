// Thin resolvers: read the input, call the service, shape the payload. No rules here.
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ERROR_CODES, MESSAGES, OtpStatus, VERIFY_RATE_LIMITED_MESSAGE } from '../otp/otp.status.js';
import type { GraphQLContext } from './context.js';
import { RequestOtpInput, VerifyOtpInput } from './otp.inputs.js';
import { OtpPolicy, RequestOtpPayload, VerifyOtpPayload } from './otp.types.js';

@Resolver()
export class OtpResolver {
  @Query((_returns) => OtpPolicy, { description: 'The rules in force, for a purpose (default "default").' })
  otpPolicy(
    @Arg('purpose', (_type) => String, { nullable: true }) purpose: string | null | undefined,
    @Ctx() { service }: GraphQLContext,
  ): OtpPolicy {
    return service.policyFor(purpose);
  }

  @Mutation((_returns) => RequestOtpPayload, { description: 'Stores a new code for the address and emails it.' })
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

  @Mutation((_returns) => VerifyOtpPayload, { description: 'Checks a code. A right code is consumed.' })
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
