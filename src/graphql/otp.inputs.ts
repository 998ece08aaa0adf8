// The GraphQL inputs. Their rules (address shape, code digits, purpose, payment intent, locale)
// live in otp/ and are applied by the service, in one place for every caller; the resolver
// turns a refusal into BAD_USER_INPUT naming the field. (class-validator ran the same rules a
// second time and cost about a third of requestOtp's throughput: see the README's Performance
// section.)
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Who to send a code to, and what for.' })
export class RequestOtpInput {
  @Field((_type) => String, { description: 'Trimmed and lower-cased before use; at most 254 characters.' })
  email!: string;

  @Field((_type) => String, {
    nullable: true,
    description: 'What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default".',
  })
  purpose?: string | null;

  @Field((_type) => String, {
    nullable: true,
    description:
      "For a payment: the payment intent the merchant's backend signed (amount, currency, payee and an id come from it, never from the browser). Required for the purposes in otpPolicy(purpose).transactionRequired; single use.",
  })
  paymentIntent?: string | null;

  @Field((_type) => String, {
    nullable: true,
    description: 'BCP 47 language tag for the email ("ms", "zh-CN"); the closest of otpPolicy.locales is used, else English.',
  })
  locale?: string | null;

  @Field((_type) => String, {
    nullable: true,
    description: "The bot check's token, when otpPolicy.challenge says one is on: the ALTCHA widget's payload, or the Turnstile or hCaptcha widget's response. Single use.",
  })
  challenge?: string | null;
}

@InputType({ description: 'A code to check: the one the request named by requestId issued, and no other.' })
export class VerifyOtpInput {
  @Field((_type) => String, { description: 'The address the code was requested for.' })
  email!: string;

  @Field((_type) => ID, { description: "requestOtp's requestId: the code is checked against that request's code only." })
  requestId!: string;

  @Field((_type) => String, { nullable: true, description: 'The purpose the code was requested for. Default "default".' })
  purpose?: string | null;

  @Field((_type) => String, { description: 'The digits from the email (exact length: see otpPolicy.codeLength).' })
  otp!: string;

  @Field((_type) => String, {
    nullable: true,
    description: 'The payment intent the code was requested with, unchanged; another (or none) answers MISMATCHED.',
  })
  paymentIntent?: string | null;

  @Field((_type) => String, {
    nullable: true,
    description: "The verification token's aud: one of the service's VERIFICATION_TOKEN_AUDIENCES (default: the first).",
  })
  audience?: string | null;
}

@InputType({ description: 'A live code to email again: the same code, expiry and reference.' })
export class ResendOtpInput {
  @Field((_type) => String, { description: 'The address the code was requested for.' })
  email!: string;

  @Field((_type) => ID, { description: "requestOtp's requestId." })
  requestId!: string;
}
