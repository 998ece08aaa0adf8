// The GraphQL inputs. Their rules (address shape, code digits, purpose) live in
// otp/otp.input.ts and are applied by the service, in one place for every caller; the
// resolver turns a refusal into BAD_USER_INPUT naming the field. (class-validator ran the
// same rules a second time and cost about a third of requestOtp's throughput: see the
// README's Performance section.)
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Who to send a code to, and what for.' })
export class RequestOtpInput {
  @Field((_type) => String, { description: 'Trimmed and lower-cased before use; at most 254 characters.' })
  email!: string;

  @Field((_type) => String, {
    nullable: true,
    description: 'What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default".',
  })
  purpose?: string | null;
}

@InputType({ description: 'A code to check.' })
export class VerifyOtpInput extends RequestOtpInput {
  @Field((_type) => String, { description: 'The digits from the email (exact length: see otpPolicy.codeLength).' })
  otp!: string;
}
