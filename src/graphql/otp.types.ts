// The GraphQL output types. Field names are a contract with every client: add, never rename.
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OtpStatus } from '../otp/otp.status.js';

registerEnumType(OtpStatus, { name: 'OtpStatus', description: 'The outcome of a request or a verification.' });

@ObjectType({ description: 'The answer to requestOtp. The code itself is only ever in the email.' })
export class RequestOtpPayload {
  @Field((_type) => Boolean)
  success!: boolean;

  @Field((_type) => OtpStatus)
  status!: OtpStatus;

  @Field((_type) => String)
  message!: string;

  @Field((_type) => String, { description: 'The address the code was sent to, normalised.' })
  email!: string;

  @Field((_type) => DateTimeISOResolver, { nullable: true, description: 'When the new code dies (null when not sent).' })
  expiresAt?: Date | null;

  @Field((_type) => Int, { nullable: true, description: 'Set when RATE_LIMITED: seconds until a new code may be requested.' })
  retryAfterSeconds?: number | null;

  @Field((_type) => String, {
    nullable: true,
    description: 'Set when SENT: 4 characters printed on the email ("enter the code from the email marked K7QM"). Not a secret.',
  })
  reference?: string | null;
}

@ObjectType({ description: 'The answer to verifyOtp.' })
export class VerifyOtpPayload {
  @Field((_type) => Boolean)
  success!: boolean;

  @Field((_type) => OtpStatus)
  status!: OtpStatus;

  @Field((_type) => String)
  message!: string;

  @Field((_type) => String, { nullable: true, description: 'Stable machine code for every failure status.' })
  errorCode?: string | null;

  @Field((_type) => Int, { nullable: true, description: 'Wrong guesses left for this code, after a MISMATCHED.' })
  attemptsRemaining?: number | null;

  @Field((_type) => Int, { nullable: true, description: 'Set when RATE_LIMITED: seconds until another verification may be tried.' })
  retryAfterSeconds?: number | null;

  @Field((_type) => String, {
    nullable: true,
    description:
      'On VERIFIED: a short-lived HS256 JWT (iss "otp-graphql", sub and email = the address, purpose, transaction when one was bound, iat, exp, jti) that a backend checks with VERIFICATION_TOKEN_SECRET.',
  })
  verificationToken?: string | null;
}

@ObjectType({ description: 'The rules in force, so a frontend can size its input and its countdowns.' })
export class OtpPolicy {
  @Field((_type) => Int)
  ttlSeconds!: number;

  @Field((_type) => Int)
  codeLength!: number;

  @Field((_type) => Int)
  maxAttempts!: number;

  @Field((_type) => Int)
  resendCooldownSeconds!: number;

  @Field((_type) => String, { description: 'The purpose these rules are for (the one asked about, or "default").' })
  purpose!: string;

  @Field((_type) => Boolean, { description: 'Whether requestOtp for this purpose must give a transaction.' })
  transactionRequired!: boolean;

  @Field((_type) => [String], { description: 'The languages emails are written in (BCP 47); others fall back to the closest, else the first.' })
  locales!: string[];
}
