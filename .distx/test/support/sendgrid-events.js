// SendGrid's Event Webhook, as a test plays it: a key pair made here (the public half as
// SendGrid shows it), events shaped like SendGrid's, and signed POSTs (node:crypto, ECDSA P-256
// over timestamp + body, as SendGrid signs).
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
export const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
/** As SendGrid shows it under Mail Settings: the SubjectPublicKeyInfo DER, base64. */
export const PUBLIC_KEY = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
/** POSTs `events` to the webhook, signed with `key` at `timestamp` (seconds) unless told otherwise. */
export async function postEvents(url, events, o = {}) {
    const body = o.body ?? JSON.stringify(events);
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = o.signature === undefined ? sign('sha256', Buffer.from(timestamp + body), { key: o.key ?? privateKey, dsaEncoding: 'der' }).toString('base64') : o.signature;
    const headers = { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': timestamp };
    if (signature !== null)
        headers['x-twilio-email-event-webhook-signature'] = signature;
    const res = await fetch(url.replace(/\/graphql$/, '/webhooks/sendgrid'), { method: 'POST', headers, body });
    return { status: res.status };
}
export const event = (otpId, name, extra = {}) => ({
    email: 'someone@example.com',
    timestamp: Math.floor(Date.now() / 1000),
    event: name,
    sg_event_id: randomUUID(),
    sg_message_id: 'msg.1',
    otp_id: otpId,
    ...extra,
});
//# sourceMappingURL=sendgrid-events.js.map