// /dev/mailbox: the development mailbox (src/mail/dev-mailbox.ts), newest first, code included.
// JSON for tests and scripts (Accept: application/json, or ?format=json; ?to= filters), a plain
// page for people, and each email's own HTML part at /dev/mailbox/<id>. Registered only when
// the process sends through the log mailer, never in production; and it answers only callers on
// this machine (the TCP peer, not a forwarded address): `npm start` listens on every interface,
// and a laptop's codes are nobody else's on the café's network.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../mail/email-values.js';
import type { DevMailbox } from '../mail/dev-mailbox.js';

export const DEV_MAILBOX_PATH = '/dev/mailbox';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** A caller on another machine finds no such route. */
async function onlyFromThisMachine(request: FastifyRequest, reply: FastifyReply) {
  if (!LOOPBACK.test(request.socket.remoteAddress ?? '')) return reply.code(404).send({ error: 'not found' });
}

export function registerDevMailbox(fastify: FastifyInstance, mailbox: DevMailbox): void {
  fastify.get<{ Querystring: { to?: string; format?: string } }>(DEV_MAILBOX_PATH, { onRequest: onlyFromThisMachine }, async (request, reply) => {
    const emails = mailbox.list(typeof request.query.to === 'string' ? request.query.to : undefined);
    reply.header('cache-control', 'no-store');
    if (request.query.format === 'json' || /application\/json/.test(request.headers.accept ?? '')) {
      return reply.send({ emails: emails.map(({ html: _html, ...email }) => email) });
    }
    const rows = emails
      .map((e) => `<li><p><strong>${escapeHtml(e.subject)}</strong><br>to ${escapeHtml(e.to)} at ${escapeHtml(e.at)}</p>` +
        `<p>Code: <output data-testid="code">${escapeHtml(e.code)}</output> · <a href="${DEV_MAILBOX_PATH}/${e.id}">the email as HTML</a></p>` +
        `<pre>${escapeHtml(e.text)}</pre></li>`)
      .join('\n');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Development mailbox</title></head><body style="font-family:system-ui,sans-serif;max-width:720px;margin:auto">` +
        `<h1>Development mailbox</h1><p>The last emails the log mailer would have sent, newest first (development only).</p>` +
        (rows ? `<ol>${rows}</ol>` : '<p>No email yet.</p>') + '</body></html>');
  });

  fastify.get<{ Params: { id: string } }>(`${DEV_MAILBOX_PATH}/:id`, { onRequest: onlyFromThisMachine }, async (request, reply) => {
    const email = mailbox.get(request.params.id);
    if (!email) return reply.code(404).send({ error: 'no such email in the development mailbox' });
    // The email's own HTML, shown as a mail client would: nothing it could load or run.
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .send(email.html);
  });
}
