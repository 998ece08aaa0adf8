// A payment code's timeline as the merchant API shows it: what happened to it and when, read
// from its record (never the code, never its hash). Pure: the store's record and the time in.
import type { OtpRecord, Transaction } from '../store/record.js';

/** Where a payment verification stands. */
export enum VerificationStatus {
  PENDING = 'PENDING',
  VERIFIED = 'VERIFIED',
  LOCKED = 'LOCKED',
  EXPIRED = 'EXPIRED',
  CANCELED = 'CANCELED',
}

/** One step of the timeline. */
export enum TimelineStep {
  REQUESTED = 'REQUESTED',
  EMAILED = 'EMAILED',
  DELIVERED = 'DELIVERED',
  DEFERRED = 'DEFERRED',
  BOUNCED = 'BOUNCED',
  DROPPED = 'DROPPED',
  FAILED = 'FAILED',
  VERIFIED = 'VERIFIED',
  LOCKED = 'LOCKED',
  EXPIRED = 'EXPIRED',
  CANCELED = 'CANCELED',
}

export interface Verification {
  requestId: string;
  status: VerificationStatus;
  email: string;
  purpose: string;
  payment: Transaction;
  requestedAt: Date;
  expiresAt: Date;
  /** Wrong guesses counted against it, and how many it allows. */
  attemptsUsed: number;
  attemptsAllowed: number;
  /** Emails sent again on request (0: only the first). */
  resends: number;
  timeline: { step: TimelineStep; at: Date }[];
  /** The signed evidence of the confirmed payment, once verified. */
  evidence: string | null;
}

const EMAIL_OUTCOMES: Partial<Record<OtpRecord['delivery']['state'], TimelineStep>> = {
  delivered: TimelineStep.DELIVERED,
  deferred: TimelineStep.DEFERRED,
  bounced: TimelineStep.BOUNCED,
  dropped: TimelineStep.DROPPED,
  failed: TimelineStep.FAILED,
};

/** The end a code came to, if any, and when. */
function endOf(record: OtpRecord, maxAttempts: number, now: Date): { status: VerificationStatus; at: Date | null } {
  if (record.verifiedAt) return { status: VerificationStatus.VERIFIED, at: record.verifiedAt };
  if (record.canceledAt) return { status: VerificationStatus.CANCELED, at: record.canceledAt };
  if (record.attempts >= maxAttempts) return { status: VerificationStatus.LOCKED, at: record.lockedAt ?? null };
  if (record.expiresAt <= now) return { status: VerificationStatus.EXPIRED, at: record.expiresAt };
  return { status: VerificationStatus.PENDING, at: null };
}

/** `record` (a payment code's) as the merchant sees it at `now`. */
export function verificationOf(record: OtpRecord & { transaction: Transaction }, maxAttempts: number, now: Date): Verification {
  const { delivery } = record;
  const end = endOf(record, maxAttempts, now);
  const timeline: Verification['timeline'] = [{ step: TimelineStep.REQUESTED, at: record.createdAt }];
  if (delivery.sentAt) timeline.push({ step: TimelineStep.EMAILED, at: delivery.sentAt });
  const outcome = EMAIL_OUTCOMES[delivery.state];
  if (outcome) timeline.push({ step: outcome, at: delivery.updatedAt });
  if (end.at) timeline.push({ step: TimelineStep[end.status as keyof typeof TimelineStep], at: end.at });
  timeline.sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    requestId: record.id,
    status: end.status,
    email: record.email,
    purpose: record.purpose,
    payment: { ...record.transaction },
    requestedAt: record.createdAt,
    expiresAt: end.status === VerificationStatus.PENDING || end.status === VerificationStatus.EXPIRED || end.status === VerificationStatus.LOCKED ? record.expiresAt : end.at!,
    attemptsUsed: record.attempts,
    attemptsAllowed: maxAttempts,
    resends: record.resends,
    timeline,
    evidence: record.evidence ?? null,
  };
}
