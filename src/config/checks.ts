// Reading the settings that need more than their schema (keys, files, lists), and the checks
// that judge one setting against another or against production: each problem is one line
// naming the variable and what is allowed.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { algorithmFor, readKey, readKeys } from '../otp/verification-token.js';
import { secretWeakness } from '../secret-strength.js';
import { demoMerchants, MerchantsFileError, readMerchantsFile } from '../merchants/merchants.file.js';
import type { MerchantDirectory } from '../merchants/merchant.js';
import { parseMailFrom } from '../mail/mail-from.js';
import { loadTemplateSet } from '../mail/templates/template-checks.js';
import { builtInTemplatesDir, type TemplateSet } from '../mail/templates/template-set.js';
import { DEV_OTP_SECRET, PLACEHOLDER_BRAND, PLACEHOLDER_MERCHANT, type Env } from './settings.js';

export function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',');
}

export const GENERATE_SECRET = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/** Why `secret` cannot be used in production, or null. */
export function productionSecretProblem(name: string, secret: string): string | null {
  if (secret === DEV_OTP_SECRET) return `${name}: must be set in production (the built-in value is public); ${GENERATE_SECRET}`;
  const weakness = secretWeakness(secret);
  return weakness ? `${name}: must be random: this value ${weakness}; ${GENERATE_SECRET}` : null;
}

/**
 * An empty variable (`PORT=`, a blank line in .env or a compose file) means "not set", never
 * 0 or "": otherwise it would silently turn the cooldown off or pick a random port.
 */
export function withoutEmpty(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value === undefined || value.trim() !== ''));
}

/** Domains reserved for examples (RFC 2606): no one receives, or trusts, mail from them. */
const EXAMPLE_DOMAIN = /(^|\.)example\.(com|net|org)$|\.(example|test|invalid|localhost)$/i;

export function placeholderProblems(env: Pick<Env, 'MAIL_FROM' | 'MAIL_BRAND' | 'MAIL_MERCHANT'>): string[] {
  const allow = 'or set MAIL_ALLOW_PLACEHOLDERS=true if it is meant';
  const problems: string[] = [];
  const domain = parseMailFrom(env.MAIL_FROM)?.email.split('@').pop() ?? '';
  if (EXAMPLE_DOMAIN.test(domain)) problems.push(`MAIL_FROM: must be your own sender address in production (${domain} is a placeholder domain), ${allow}`);
  if (env.MAIL_BRAND === PLACEHOLDER_BRAND) problems.push(`MAIL_BRAND: must name your brand in production (${PLACEHOLDER_BRAND} is the placeholder), ${allow}`);
  if (env.MAIL_MERCHANT === PLACEHOLDER_MERCHANT) problems.push(`MAIL_MERCHANT: must name your shop in production (${PLACEHOLDER_MERCHANT} is the placeholder), ${allow}`);
  return problems;
}

/** SendGrid shows the key as base64 DER (SubjectPublicKeyInfo); a PEM is taken too. */
export function isEcPublicKey(text: string): boolean {
  return sendGridKey(text) !== null;
}

/**
 * SendGrid's Signed Event Webhook key, as it shows it (the SubjectPublicKeyInfo DER, base64) or
 * as PEM: an ECDSA P-256 public key, or null when it is not one.
 */
export function sendGridKey(text: string): KeyObject | null {
  try {
    const pem = text.includes('-----BEGIN') ? text : `-----BEGIN PUBLIC KEY-----\n${text.trim()}\n-----END PUBLIC KEY-----`;
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : null;
  } catch {
    return null;
  }
}

export const GENERATE_WEBHOOK_SECRET = `generate one with: node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"`;

/** whsec_ and base64 of 24 to 64 bytes: what the standardwebhooks libraries take and share. */
export function isWebhookSecret(secret: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = match ? Buffer.from(match[1]!, 'base64').length : 0;
  return bytes >= 24 && bytes <= 64;
}

export const GENERATE_TOKEN_KEY = `generate one with: node -e "console.log(require('crypto').generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))"`;

/** The token keys, read and checked; problems are added for the variables that do not hold usable keys. */
export function readTokenKeys(env: Env, problems: string[]): { signingKey: KeyObject | null; previousKeys: KeyObject[] } {
  let signingKey: KeyObject | null = null;
  let previousKeys: KeyObject[] = [];
  if (env.VERIFICATION_TOKEN_PRIVATE_KEY) {
    try {
      signingKey = readKey(env.VERIFICATION_TOKEN_PRIVATE_KEY);
    } catch {
      signingKey = null;
    }
    if (!signingKey || signingKey.type !== 'private' || !algorithmFor(signingKey)) {
      problems.push(`VERIFICATION_TOKEN_PRIVATE_KEY: must be an Ed25519 (or P-256) private key, PKCS#8 PEM or JWK; ${GENERATE_TOKEN_KEY}`);
      signingKey = null;
    }
  }
  if (env.VERIFICATION_TOKEN_PREVIOUS_KEYS) {
    try {
      previousKeys = readKeys(env.VERIFICATION_TOKEN_PREVIOUS_KEYS);
      if (previousKeys.some((k) => !algorithmFor(k))) throw new Error('unsupported key type');
    } catch {
      problems.push('VERIFICATION_TOKEN_PREVIOUS_KEYS: must be earlier signing keys (Ed25519 or P-256; public or private), as PEM blocks or a JSON array of JWKs');
      previousKeys = [];
    }
  }
  return { signingKey, previousKeys };
}

/** Parses an environment (process.env by default) into a Config, or throws ConfigError. */
/**
 * The merchants file, read and checked whole (one line naming the merchant and the field when
 * it is wrong). Without one: the demo merchant outside production; in production none, so
 * every payment intent is refused (a deployment without payments needs no file).
 */
export function readMerchants(env: { MERCHANTS_FILE?: string | undefined; NODE_ENV: string }, problems: string[]): MerchantDirectory {
  if (env.MERCHANTS_FILE) {
    try {
      return readMerchantsFile(env.MERCHANTS_FILE);
    } catch (error) {
      if (!(error instanceof MerchantsFileError)) throw error;
      problems.push(error.message);
      return new Map();
    }
  }
  return env.NODE_ENV === 'production' ? new Map() : demoMerchants();
}

/**
 * A per-purpose setting, "payment=120,login=300", as { payment: 120, login: 300 }: each value a
 * whole number of `unit` within [min, max], each purpose once. Every *_BY_PURPOSE setting reads
 * through here (its declaration's schema has checked the form already).
 */
export function readPerPurpose(name: string, value: string | undefined, bounds: { min: number; max: number; unit: string }, problems: string[]): Record<string, number> {
  const { min, max, unit } = bounds;
  const read: Record<string, number> = {};
  for (const pair of value?.split(',') ?? []) {
    if (!pair.trim()) continue;
    const [purpose, figure] = pair.split('=').map((part) => part.trim()) as [string, string];
    const n = Number(figure);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name}: ${purpose} must be a whole number of ${unit} from ${min} to ${max}`);
    else if (purpose in read) problems.push(`${name}: ${purpose} is given twice`);
    else read[purpose] = n;
  }
  return read;
}

/** https://, or http:// to this machine (a local proxy or test double). */
export function isSafeServiceUrl(value: string): boolean {
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\./.test(host));
}

/** The built-in set alone is the same for every configuration: checked once per process. */
let builtInOnly: TemplateSet | null = null;

/**
 * The email templates (the built-in set, under MAIL_TEMPLATES_DIR when set), checked whole: each
 * problem one line, "MAIL_TEMPLATES_DIR: ms/body.html.hbs: holds a link …".
 */
export function readTemplates(dir: string | null, merchants: ReadonlySet<string> | null, problems: string[]): TemplateSet | null {
  if (!dir && builtInOnly) return builtInOnly;
  const { set, problems: found } = loadTemplateSet(builtInTemplatesDir(), dir, merchants);
  problems.push(...found.map((line) => (dir ? `MAIL_TEMPLATES_DIR: ${line}` : line)));
  if (!dir && found.length === 0) builtInOnly = set;
  return found.length === 0 ? set : null;
}
