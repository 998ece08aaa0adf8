// The GraphQL output types. Field names are a contract with every client: add, never rename.
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OtpDeliveryState } from '../delivery/delivery-status.js';
import type { ChallengeKind } from '../edge/challenge/challenge.js';
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

  @Field((_type) => ID, {
    nullable: true,
    description:
      'Set when SENT: the request\'s handle, needed by verifyOtp and resendOtp, and by otpDelivery and otpDeliveryChanged. Opaque and unguessable; it names neither the address nor the code.',
  })
  requestId?: string | null;
}

@ObjectType({ description: 'The answer to resendOtp. The code itself is only ever in the email.' })
export class ResendOtpPayload {
  @Field((_type) => Boolean)
  success!: boolean;

  @Field((_type) => OtpStatus, { description: 'SENT, RATE_LIMITED, or why there is nothing to resend: NOT_FOUND, EXPIRED, TOO_MANY_ATTEMPTS.' })
  status!: OtpStatus;

  @Field((_type) => String)
  message!: string;

  @Field((_type) => String, { nullable: true, description: 'Stable machine code for every failure status.' })
  errorCode?: string | null;

  @Field((_type) => String, { description: 'The address, normalised.' })
  email!: string;

  @Field((_type) => DateTimeISOResolver, { nullable: true, description: "Set when SENT: when the code dies (the first email's expiry: a resend does not extend it)." })
  expiresAt?: Date | null;

  @Field((_type) => Int, { nullable: true, description: 'Set when RATE_LIMITED: seconds until another email may be asked for.' })
  retryAfterSeconds?: number | null;

  @Field((_type) => String, { nullable: true, description: "Set when SENT: the code's reference, the same as on the first email." })
  reference?: string | null;

  @Field((_type) => ID, { nullable: true, description: 'Set when SENT: the same requestId.' })
  requestId?: string | null;
}

@ObjectType({ description: "A code's email, as far as SendGrid has told. Never the address or the code." })
export class OtpDelivery {
  @Field((_type) => ID)
  requestId!: string;

  @Field((_type) => OtpDeliveryState)
  state!: OtpDeliveryState;

  @Field((_type) => DateTimeISOResolver, { description: 'When the state last changed (for EXPIRED: when the code expired).' })
  updatedAt!: Date;
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
      'On VERIFIED: a short-lived JWT signed with EdDSA (keys at /.well-known/jwks.json): iss "otp-graphql", sub and email = the address, aud, purpose, transaction when one was bound, amr ["otp"], otp_channel "email", iat, exp, jti.',
  })
  verificationToken?: string | null;
}

export enum OtpChallengeKind {
  ALTCHA = 'altcha',
  TURNSTILE = 'turnstile',
  HCAPTCHA = 'hcaptcha',
}
registerEnumType(OtpChallengeKind, { name: 'OtpChallengeKind', description: 'Which bot check: ALTCHA (self-hosted proof of work), Cloudflare Turnstile or hCaptcha.' });

@ObjectType({ description: "The bot check requestOtp wants: show its widget, and send the widget's token as requestOtp's challenge." })
export class OtpChallenge {
  @Field((_type) => OtpChallengeKind)
  kind!: ChallengeKind; // the enum's values are these names

  @Field((_type) => String, { nullable: true, description: "Turnstile's or hCaptcha's public site key, for the widget." })
  siteKey!: string | null;

  @Field((_type) => String, { nullable: true, description: "ALTCHA: the path (on this service) the widget's challengeurl points at." })
  challengeUrl!: string | null;
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

  @Field((_type) => OtpChallenge, { nullable: true, description: 'The bot check requestOtp wants, or null when none is on.' })
  challenge!: OtpChallenge | null;
}
