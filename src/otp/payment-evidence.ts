// The evidence of a confirmed payment: when a payment code is verified, the service signs (with
// its token key, published at /.well-known/jwks.json) what the payer was shown and confirmed:
// the merchant, the intent, the amount and payee as the email wrote them, the email's language
// and the paragraph that named them, and when the code was requested, emailed, delivered (if
// SendGrid said so) and verified. PSD2's dynamic linking (RTS Art. 5) and Bank Negara
// Malaysia's RMiT ask the bank to show exactly this in a dispute. What it does not prove: that
// the payer, rather than whoever reads the mailbox, typed the code (email is not an
// authentication factor under NIST SP 800-63B-4); docs/merchant-backend.md says so.
import type { CodeStore } from '../store/codes.js';
import type { OtpRecord } from '../store/record.js';
import type { VerificationTokens } from './verification-token.js';

/** The JWS `typ` of an evidence record: never mistaken for a verification token. */
export const EVIDENCE_TYPE = 'otp-evidence+jwt';

/** What the evidence record states, besides iss/aud/sub/iat/jti. */
export interface EvidenceClaims {
  requestId: string;
  email: string;
  purpose: string;
  /** The payment as the merchant signed it (canonical amount, ISO currency). */
  transaction: NonNullable<OtpRecord['transaction']>;
  /** What the email showed: its language, the amount and payee as written, the paragraph; null if no email was recorded as sent. */
  shown: OtpRecord['shown'] | null;
  requestedAt: string;
  /** When its last email left for SendGrid; null if none was recorded. */
  sentAt: string | null;
  /** When SendGrid said the receiving server took it; null when it did not (yet). */
  deliveredAt: string | null;
  verifiedAt: string;
  /** Always "email": see verification-token.ts. */
  otp_channel: 'email';
}

/** The claims of `record`'s evidence, verified at `verifiedAt`; null for a code that confirms no payment. */
export function evidenceClaims(record: OtpRecord, verifiedAt: Date): EvidenceClaims | null {
  if (!record.transaction) return null;
  const { delivery } = record;
  return {
    requestId: record.id,
    email: record.email,
    purpose: record.purpose,
    transaction: { ...record.transaction },
    shown: record.shown ?? null,
    requestedAt: record.createdAt.toISOString(),
    sentAt: delivery.sentAt?.toISOString() ?? null,
    deliveredAt: delivery.state === 'delivered' ? delivery.updatedAt.toISOString() : null,
    verifiedAt: verifiedAt.toISOString(),
    otp_channel: 'email',
  };
}

/** Signs `record`'s evidence for its merchant (the audience); null for a code that confirms no payment. */
export async function signEvidence(tokens: VerificationTokens, record: OtpRecord, verifiedAt: Date): Promise<string | null> {
  const claims = evidenceClaims(record, verifiedAt);
  if (!claims) return null;
  return tokens.signRecord({ ...claims }, { type: EVIDENCE_TYPE, audience: claims.transaction.merchant, subject: claims.requestId, at: verifiedAt });
}

/**
 * The evidence of the payment code `id`, if `codeHash` is its code and it is live: read first
 * (one more read, for payment verifications only), signed, and kept only if the check then
 * verifies it. Undefined otherwise: a wrong guess costs no signature.
 */
export async function evidenceIfRight(
  store: Pick<CodeStore, 'findCode'>,
  tokens: VerificationTokens,
  { mailbox, id, codeHash, now }: { mailbox: string; id: string; codeHash: string; now: Date },
): Promise<string | undefined> {
  const record = await store.findCode(mailbox, id);
  // Equality of two HMACs: timing reveals nothing, as the caller cannot choose a hash.
  if (!record || record.codeHash !== codeHash || record.expiresAt <= now) return undefined;
  return (await signEvidence(tokens, record, now)) ?? undefined;
}
