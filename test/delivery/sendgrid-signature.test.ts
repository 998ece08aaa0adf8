// The Event Webhook's signature check (node:crypto's native ECDSA) against SendGrid's own
// helper, @sendgrid/eventwebhook (a pure-JS verifier: 6.5 ms a forged signature, which is why
// it is no longer on the request path): both must say yes and no to the same posts, with the
// key as SendGrid shows it and as PEM.
import { generateKeyPairSync, sign } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { describe, expect, it } from 'vitest';
import { sendGridKey } from '../../src/config/checks.js';
import { sendGridSignatureValid } from '../../src/http/sendgrid-webhook.routes.js';
import { PUBLIC_KEY, privateKey } from '../support/sendgrid-events.js';

const theirs = new EventWebhook();
const signed = (payload: Buffer, timestamp: string, key = privateKey) => sign('sha256', Buffer.concat([Buffer.from(timestamp), payload]), { key, dsaEncoding: 'der' }).toString('base64');

describe("the SendGrid signature check agrees with SendGrid's own helper", () => {
  const timestamp = '1765000000';
  const body = Buffer.from(JSON.stringify([{ event: 'delivered', sg_event_id: 'e1', otp_id: 'x' }]));
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const cases: [string, Buffer, string, string][] = [
    ['a signed post', body, signed(body, timestamp), timestamp],
    ['another key', body, signed(body, timestamp, other), timestamp],
    ['a changed body', Buffer.from(`${body.toString()} `), signed(body, timestamp), timestamp],
    ['a changed timestamp', body, signed(body, timestamp), '1765000001'],
    ['a signature that is not base64 DER', body, 'MEUCIQ' + 'A'.repeat(90), timestamp],
    ['an empty body, signed', Buffer.alloc(0), signed(Buffer.alloc(0), timestamp), timestamp],
    ['non-ASCII text, signed', Buffer.from('[{"email":"pé@example.com"}]'), signed(Buffer.from('[{"email":"pé@example.com"}]'), timestamp), timestamp],
  ];

  it.each(cases)('%s', (_name, payload, signature, at) => {
    const expected = (() => {
      try {
        return theirs.verifySignature(theirs.convertPublicKeyToECDSA(PUBLIC_KEY), payload, signature, at);
      } catch {
        return false;
      }
    })();
    for (const form of [PUBLIC_KEY, `-----BEGIN PUBLIC KEY-----\n${PUBLIC_KEY}\n-----END PUBLIC KEY-----`]) {
      expect(sendGridSignatureValid(sendGridKey(form)!, payload, signature, at)).toBe(expected);
    }
  });

  it('says yes to the signed post and no to the others (so the agreement above is not two noes)', () => {
    const key = sendGridKey(PUBLIC_KEY)!;
    expect(cases.map(([, payload, signature, at]) => sendGridSignatureValid(key, payload, signature, at))).toEqual([true, false, false, false, false, true, true]);
  });

  it('takes only a P-256 key', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(sendGridKey(p384)).toBeNull();
    expect(sendGridKey(ed)).toBeNull();
    expect(sendGridKey('not a key')).toBeNull();
  });
});
