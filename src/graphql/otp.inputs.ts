// The GraphQL inputs, checked by class-validator before a resolver runs. The rules themselves
// live in otp/otp.input.ts so the service applies the very same ones.
import { Matches, MaxLength, ValidateBy } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { EMAIL_RULE, isValidEmail, isValidPurpose, PURPOSE_RULE } from '../otp/otp.input.js';

const IsOtpEmail = () =>
  ValidateBy({ name: 'isOtpEmail', validator: { validate: isValidEmail, defaultMessage: () => EMAIL_RULE } });

const IsOtpPurpose = () =>
  ValidateBy({ name: 'isOtpPurpose', validator: { validate: isValidPurpose, defaultMessage: () => PURPOSE_RULE } });

@InputType({ description: 'Who to send a code to, and what for.' })
export class RequestOtpInput {
  @Field((_type) => String, { description: 'Trimmed and lower-cased before use; at most 254 characters.' })
  @IsOtpEmail()
  email!: string;

  @Field((_type) => String, {
    nullable: true,
    description: 'What the code is for (e.g. "payment", "login"); a code only verifies for its own purpose. Default "default".',
  })
  @IsOtpPurpose()
  purpose?: string | null;
}

@InputType({ description: 'A code to check.' })
export class VerifyOtpInput extends RequestOtpInput {
  @Field((_type) => String, { description: 'The digits from the email (exact length: see otpPolicy.codeLength).' })
  // The exact length is the service's policy; here only the cheap shape check.
  @MaxLength(10, { message: 'must be exactly the code length in digits' })
  @Matches(/^[0-9]+$/, { message: 'must contain digits only' })
  otp!: string;
}
