// Hostile: one inbox under many spellings (issue 22, row 4: `victim+1…12@gmail.com` and
// `victim@gmail.com` put 13 emails in one mailbox in about a second, each alias with its own
// cooldown and window). The limits now count the canonical mailbox; a per-domain and a global
// send budget stop floods spread over many mailboxes. Real HTTP to the real server, the real
// SendGrid SDK against the fake SendGrid; loopback, bounded in count.
import { describe, expect, it } from 'vitest';
import { REQUEST_OTP, withHarness, type Harness } from '../support/harness.js';

const ALIASES = [...Array.from({ length: 12 }, (_, i) => `victim+${i + 1}@gmail.com`), 'victim@gmail.com', 'v.i.c.t.i.m@googlemail.com', 'Victim+x@GMAIL.com'];

const request = async (h: Harness, email: string, clientIp?: string) => {
  const res = await h.gql(REQUEST_OTP, { input: { email } }, clientIp ? { 'x-forwarded-for': clientIp } : {});
  return res.data?.requestOtp as { status: string; retryAfterSeconds?: number } | undefined;
};

/** Emails the fake SendGrid received for any of `addresses`, once the dispatcher has had its chance. */
const received = async (h: Harness, addresses: readonly string[], atLeast: number) => {
  await h.sendgrid.waitForEmails(atLeast);
  await new Promise((r) => setTimeout(r, 300)); // anything more would have come by now
  return h.sendgrid.emails.filter((email) => addresses.includes(email.to.toLowerCase()));
};

describe('one mailbox, many spellings', () => {
  it('gets at most the send window of emails, each to the address as written', async () => {
    await withHarness({ OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '5' }, async (h) => {
      const answers = [];
      for (const email of ALIASES) answers.push(await request(h, email));
      const sent = answers.filter((a) => a?.status === 'SENT');
      expect(sent).toHaveLength(5);
      expect(answers.slice(5).every((a) => a?.status === 'RATE_LIMITED' && a.retryAfterSeconds! > 500)).toBe(true);
      const emails = await received(h, ALIASES.map((a) => a.toLowerCase()), 5);
      expect(emails).toHaveLength(5);
      // Sent to the spelling the caller gave, not to the canonical mailbox.
      expect(emails.map((e) => e.to).sort()).toEqual(ALIASES.slice(0, 5).sort());
    });
  });

  it("counts Apple's three domains as one mailbox (issue 34, row 10: 15 of 18 were sent)", async () => {
    await withHarness({ OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '5' }, async (h) => {
      const spellings = ['victim@icloud.com', 'victim@me.com', 'victim@mac.com', 'Victim+x@ME.com', 'victim+y@mac.com', 'victim+z@icloud.com'];
      const answers = [];
      for (let round = 0; round < 3; round++) for (const email of spellings) answers.push(await request(h, email));
      expect(answers.filter((a) => a?.status === 'SENT')).toHaveLength(5);
      expect(await received(h, spellings.map((a) => a.toLowerCase()), 5)).toHaveLength(5);
    });
  });

  it('shares one cooldown: with the default, a second spelling a moment later waits', async () => {
    await withHarness({}, async (h) => {
      expect((await request(h, 'owner@gmail.com'))?.status).toBe('SENT');
      const again = await request(h, 'o.w.n.e.r+again@googlemail.com');
      expect(again).toMatchObject({ status: 'RATE_LIMITED' });
      expect(again!.retryAfterSeconds).toBeGreaterThan(25);
      // Another mailbox is not held back by it.
      expect((await request(h, 'someone-else@gmail.com'))?.status).toBe('SENT');
    });
  });
});

describe('shared send budgets', () => {
  it('stop a flood to one domain, not the others, and say so once in metrics and the log', async () => {
    await withHarness({ SEND_BUDGET_PER_DOMAIN: '3', SEND_BUDGET_TOTAL: '0', METRICS_TOKEN: 'Hq7Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5GaXe' }, async (h) => {
      const flood = [];
      for (let i = 0; i < 8; i++) flood.push(await request(h, `staff${i}@bank.example`));
      expect(flood.map((a) => a?.status)).toEqual(['SENT', 'SENT', 'SENT', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(flood[3]!.retryAfterSeconds).toBeGreaterThan(500);
      expect((await request(h, 'customer@gmail.com'))?.status).toBe('SENT');
      const emails = await received(h, [...Array.from({ length: 8 }, (_, i) => `staff${i}@bank.example`)], 3);
      expect(emails).toHaveLength(3);
      const metrics = await (await fetch(h.url.replace('/graphql', '/metrics'), { headers: { authorization: 'Bearer Hq7Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5GaXe' } })).text();
      expect(metrics).toMatch(/otp_send_budget_refusals_total\{budget="domain"\} 5/);
      const trips = h.logs.filter((line) => line.includes('send budget for a mail domain is spent'));
      expect(trips).toHaveLength(1);
      expect(JSON.parse(trips[0]!)).toMatchObject({ budget: 'domain', domain: 'bank.example', max: 3 });
      // The domain is named; no address is.
      expect(h.logs.join('\n')).not.toMatch(/staff\d@/);
    });
  });

  it('the global budget stops everything, resends included, until the window turns', async () => {
    await withHarness({ SEND_BUDGET_TOTAL: '4', SEND_BUDGET_PER_DOMAIN: '0', OTP_RESEND_COOLDOWN_SECONDS: '0' }, async (h) => {
      const first = await h.client.requestOtp({ email: 'g0@domain0.example' });
      expect(first.status).toBe('SENT');
      const statuses = [];
      for (let i = 1; i < 4; i++) statuses.push((await request(h, `g${i}@domain${i}.example`))?.status);
      expect(statuses).toEqual(['SENT', 'SENT', 'SENT']);
      expect((await request(h, 'fresh@elsewhere.example'))?.status).toBe('RATE_LIMITED');
      await h.sendgrid.waitForEmails(4);
      const resent = await h.client.resendOtp({ email: 'g0@domain0.example' });
      expect(resent).toMatchObject({ status: 'RATE_LIMITED' });
      expect(h.logs.filter((line) => line.includes('global send budget is spent'))).toHaveLength(1);
      expect(h.logs.join('\n')).not.toContain('fresh@elsewhere.example');
    });
  });
});
