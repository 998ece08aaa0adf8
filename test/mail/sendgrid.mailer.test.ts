// The SendGrid adapter's reading of a failed call, through the real SDK: an answer, a call that
// never left (nothing listens), and one that timed out after SendGrid took it (the fake
// answers late), which alone is "unconfirmed": the email may already be on its way.
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { MailError } from '../../src/mail/mailer.js';
import { SendGridMailer } from '../../src/mail/sendgrid.mailer.js';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { freePort } from '../support/mongod-processes.js';

const template = { subject: 'Your code', text: 'Code {{otp}}', html: '<p>Code {{otp}}</p>', inlineImages: [] };
const recipients = [{ to: 'someone@example.com', substitutions: { otp: '123456' } }];


const failure = (mailer: SendGridMailer) => mailer.send(template, recipients).then(() => null, (error: unknown) => error as MailError);

describe('SendGrid mailer failures', () => {
  const sendgrid = new FakeSendGrid();
  beforeAll(async () => void (await sendgrid.start()));
  afterAll(async () => sendgrid.close());
  const mailer = (baseUrl: string, timeoutMs = 2_000) => new SendGridMailer({ apiKey: 'SG.test', baseUrl, timeoutMs, from: { email: 'otp@example.com', name: 'Test Bank' } });

  it('a timeout after the request went out is transient and unconfirmed (SendGrid took it here)', async () => {
    sendgrid.answer({ status: 202, delayMs: 500 });
    const error = await failure(mailer(sendgrid.baseUrl, 100));
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ transient: true, status: null, unconfirmed: true });
    await expect.poll(() => sendgrid.emailsTo('someone@example.com').length).toBe(1);
  });

  it('a refused connection is transient and confirmed unsent; an answer is never unconfirmed', async () => {
    expect(await failure(mailer(`http://127.0.0.1:${await freePort()}`))).toMatchObject({ transient: true, unconfirmed: false });
    sendgrid.answer({ status: 503 });
    expect(await failure(mailer(sendgrid.baseUrl))).toMatchObject({ transient: true, status: 503, unconfirmed: false });
  });
});
