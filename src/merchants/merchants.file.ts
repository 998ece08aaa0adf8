// The merchants file: the operator's list of merchants, named by MERCHANTS_FILE and checked
// whole at start-up. A file rather than environment variables, because a list of merchants
// with one or two keys each does not fit one variable, and a file can be mounted as a secret
// and reviewed like any other configuration. JSON, because Node reads it with no dependency.
//
//   { "merchants": [ { "id": "kedai-ali", "displayName": "Kedai Runcit Ali",
//       "keys": [ { "kid": "2026-12", "alg": "EdDSA", "publicKey": "-----BEGIN PUBLIC KEY-----…" },
//                 { "kid": "2026-06", "alg": "HS256", "secret": "<base64url of 32+ random bytes>" } ],
//       "maxEmailsPerWindow": 20000 } ] }
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { displayNameProblem } from './display-name.js';
import type { Merchant, MerchantDirectory, MerchantKey } from './merchant.js';

/** The development demo merchant (see DEMO_MERCHANT_SECRET): never present in production. */
export const DEMO_MERCHANT_ID = 'demo-shop';
/**
 * Its HS256 key: public on purpose, like the development OTP_SECRET, so the quick start can make
 * an intent (scripts/demo-intent.mjs). Production has no demo merchant.
 */
export const DEMO_MERCHANT_SECRET = 'otp-graphql-demo-merchant-key-for-development-only';

const ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const HS256_MIN_BYTES = 32;

const key = z.discriminatedUnion('alg', [
  z.object({ kid: z.string().regex(ID, { message: 'must be 1 to 64 of a-z 0-9 _ . -' }), alg: z.literal('EdDSA'), publicKey: z.string() }).strict(),
  z.object({ kid: z.string().regex(ID, { message: 'must be 1 to 64 of a-z 0-9 _ . -' }), alg: z.literal('HS256'), secret: z.string() }).strict(),
], { message: 'alg must be EdDSA or HS256' });

const file = z
  .object({
    merchants: z
      .array(
        z
          .object({
            id: z.string().regex(ID, { message: 'must be 1 to 64 of a-z 0-9 _ . - (starting with a letter or digit)' }),
            displayName: z.string().superRefine((name, ctx) => {
              const problem = displayNameProblem(name);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            }),
            keys: z.array(key).min(1, { message: 'must list one key, or two while rotating' }).max(2, { message: 'must list one key, or two while rotating' }),
            // Its own send budget (SEND_BUDGET_PER_MERCHANT when absent).
            maxEmailsPerWindow: z.number().int().min(1).max(100_000_000, { message: 'must be a whole number from 1 to 100000000' }).optional(),
          })
          .strict(),
      )
      .min(1, { message: 'must list at least one merchant' }),
  })
  .strict();

/** A key from the file as jose verifies with it; throws a line naming what is wrong. */
function readKey(raw: z.infer<typeof key>): MerchantKey {
  if (raw.alg === 'HS256') {
    const bytes = Buffer.from(raw.secret, 'base64url');
    if (bytes.length < HS256_MIN_BYTES || bytes.toString('base64url') !== raw.secret.replace(/=+$/, '')) {
      throw new Error(`keys.${raw.kid}.secret: must be the base64url of at least ${HS256_MIN_BYTES} random bytes`);
    }
    return { kid: raw.kid, alg: 'HS256', key: new Uint8Array(bytes) };
  }
  try {
    const publicKey = createPublicKey(raw.publicKey.replace(/\\n/g, '\n'));
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    return { kid: raw.kid, alg: 'EdDSA', key: publicKey };
  } catch {
    throw new Error(`keys.${raw.kid}.publicKey: must be an Ed25519 public key in PEM (SPKI)`);
  }
}

/** Reads and checks the file; a problem is one line naming the merchant and the field. */
export function readMerchantsFile(path: string): MerchantDirectory {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MerchantsFileError(`cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = file.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const [, index, ...field] = issue!.path;
    const merchants = (json as { merchants?: { id?: unknown }[] } | null)?.merchants;
    const id = typeof index === 'number' ? merchants?.[index]?.id : undefined;
    const who = typeof index === 'number' ? `merchant ${typeof id === 'string' ? JSON.stringify(id) : `#${index + 1}`}: ` : '';
    const where = field.length > 0 ? `${field.join('.')}: ` : typeof index !== 'number' && issue!.path.length > 0 ? `${String(issue!.path[0])}: ` : '';
    throw new MerchantsFileError(`${who}${where}${issue!.message}`);
  }
  const directory = new Map<string, Merchant>();
  for (const raw of parsed.data.merchants) {
    const who = `merchant ${JSON.stringify(raw.id)}: `;
    if (directory.has(raw.id)) throw new MerchantsFileError(`${who}id: is listed twice`);
    if (new Set(raw.keys.map((k) => k.kid)).size !== raw.keys.length) throw new MerchantsFileError(`${who}keys: each kid must differ`);
    try {
      directory.set(raw.id, { id: raw.id, displayName: raw.displayName, keys: raw.keys.map(readKey), ...(raw.maxEmailsPerWindow ? { maxEmailsPerWindow: raw.maxEmailsPerWindow } : {}) });
    } catch (error) {
      throw new MerchantsFileError(`${who}${(error as Error).message}`);
    }
  }
  return directory;
}

/**
 * MERCHANTS_FILE read again into the directory in force (SIGHUP): checked whole first, so a bad
 * file throws its MerchantsFileError and changes nothing; a good one replaces every merchant in
 * one step (no request sees half of each). `directory` is the Map the configuration made, which
 * every consumer (intents, send budgets) reads at each request. Returns how many merchants.
 */
export function reloadMerchantsFile(directory: MerchantDirectory, path: string): number {
  const fresh = readMerchantsFile(path);
  const inForce = directory as Map<string, Merchant>;
  inForce.clear();
  for (const [id, merchant] of fresh) inForce.set(id, merchant);
  return fresh.size;
}

/** The development directory: the demo merchant alone. */
export function demoMerchants(): MerchantDirectory {
  const demo: Merchant = { id: DEMO_MERCHANT_ID, displayName: 'Demo Shop', keys: [{ kid: 'demo', alg: 'HS256', key: new TextEncoder().encode(DEMO_MERCHANT_SECRET) }] };
  return new Map([[demo.id, demo]]);
}

export class MerchantsFileError extends Error {
  constructor(detail: string) {
    super(`MERCHANTS_FILE: ${detail}`);
    this.name = 'MerchantsFileError';
  }
}
