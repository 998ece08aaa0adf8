// The merchant API's GraphQL types (schema/merchant.graphql). Field names are a contract with
// every merchant's backend: add, never rename.
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TimelineStep, VerificationStatus } from './timeline.js';

registerEnumType(VerificationStatus, {
  name: 'VerificationStatus',
  description: 'Where a payment verification stands.',
  valuesConfig: {
    PENDING: { description: 'The code is live: not yet verified, and it may still be.' },
    VERIFIED: { description: 'The payer typed the right code: the payment is confirmed (see evidence).' },
    LOCKED: { description: 'Wrong guesses used up its attempts: the code is dead.' },
    EXPIRED: { description: 'The code died unused.' },
    CANCELED: { description: 'Your backend canceled it (cancelVerification): the code is dead.' },
  },
});
registerEnumType(TimelineStep, { name: 'TimelineStep', description: "A step of a verification's timeline." });

@ObjectType({ description: 'The payment a code confirms, as your backend signed it in the payment intent.' })
export class PaymentFacts {
  @Field((_type) => String)
  merchant!: string;

  @Field((_type) => String, { description: "Your payment intent's id (its jti)." })
  intentId!: string;

  @Field((_type) => String, { description: 'Canonical: exactly the currency\'s minor digits ("149.90").' })
  amount!: string;

  @Field((_type) => String)
  currency!: string;

  @Field((_type) => String, { description: 'The payee as the email named it (your display name in the merchants file).' })
  payee!: string;
}

@ObjectType({ description: 'One step of a verification, and when it happened.' })
export class TimelineEntry {
  @Field((_type) => TimelineStep)
  step!: TimelineStep;

  @Field((_type) => DateTimeISOResolver)
  at!: Date;
}

@ObjectType({ description: 'A payment code of yours, as it stands. Never the code.' })
export class Verification {
  @Field((_type) => ID, { description: 'What requestOtp answered.' })
  requestId!: string;

  @Field((_type) => VerificationStatus)
  status!: VerificationStatus;

  @Field((_type) => String, { description: 'The address the code was sent to.' })
  email!: string;

  @Field((_type) => String)
  purpose!: string;

  @Field((_type) => PaymentFacts)
  payment!: PaymentFacts;

  @Field((_type) => DateTimeISOResolver)
  requestedAt!: Date;

  @Field((_type) => DateTimeISOResolver, { description: 'When the code dies (or died: verified and canceled codes die then).' })
  expiresAt!: Date;

  @Field((_type) => Int)
  attemptsUsed!: number;

  @Field((_type) => Int)
  attemptsAllowed!: number;

  @Field((_type) => Int, { description: 'Emails sent again on the payer\'s request (0: only the first).' })
  resends!: number;

  @Field((_type) => [TimelineEntry], { description: 'Requested, emailed, delivered or bounced (when SendGrid said so), and its end, oldest first.' })
  timeline!: TimelineEntry[];

  @Field((_type) => String, { nullable: true, description: 'VERIFIED: the signed evidence of what the payer was shown and confirmed (a JWS; docs/merchant-backend.md).' })
  evidence!: string | null;
}

@ObjectType({ description: 'The answer to cancelVerification.' })
export class CancelVerificationPayload {
  @Field((_type) => Boolean, { description: 'True when this call killed the code; false when it was dead already (see status).' })
  canceled!: boolean;

  @Field((_type) => Verification)
  verification!: Verification;
}
