// Hostile: a client identity an attacker can multiply (issue 34, row 3, and row 1's spread over
// the /64s of one /48). With TRUST_PROXY on, `X-Forwarded-For: 203.0.113.77:<port>` made every
// source port a client of its own: 60 of 60 requests from one host were SENT past a cap of 30.
// The port is now dropped, and IPv6 callers are counted per /48 as well as per /64. Real HTTP to
// the real server behind a trusted "proxy" (the test sets the header); loopback, bounded.
import { describe, expect, it } from 'vitest';
import { REQUEST_OTP, withHarness, type Harness } from '../support/harness.js';

const statuses = async (h: Harness, forwarded: (i: number) => string, count: number) => {
  const answers: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await h.gql(REQUEST_OTP, { input: { email: `person${i}-${Math.random().toString(36).slice(2)}@example.com` } }, { 'x-forwarded-for': forwarded(i) });
    answers.push((res.data?.requestOtp as { status: string }).status);
  }
  return answers;
};
const sent = (answers: string[]) => answers.filter((s) => s === 'SENT').length;

describe('client identity behind a trusted proxy', () => {
  it('a forwarded address with a port is the address: ports do not make new clients (row 3)', async () => {
    await withHarness({ TRUST_PROXY: '1', CLIENT_MAX_REQUESTS_PER_WINDOW: '3' }, async (h) => {
      expect(sent(await statuses(h, (i) => `203.0.113.77:${40_000 + i}`, 8))).toBe(3);
      expect(sent(await statuses(h, (i) => `[2001:db8::1]:${40_000 + i}`, 8))).toBe(3);
      // The bracketed form without a port, and the plain address, are the same clients: spent.
      expect(await statuses(h, () => '[2001:db8::1]', 1)).toEqual(['RATE_LIMITED']);
      expect(await statuses(h, () => '203.0.113.77', 1)).toEqual(['RATE_LIMITED']);
      // Another host is its own client.
      expect(sent(await statuses(h, () => '203.0.113.78:5000', 1))).toBe(1);
    });
  });

  it('IPv6 callers spread over the /64s of one /48 meet the /48 budget; another /48 does not', async () => {
    await withHarness({ TRUST_PROXY: '1', CLIENT_MAX_REQUESTS_PER_WINDOW: '2', CLIENT_IPV6_SITE_FACTOR: '3' }, async (h) => {
      // Twelve /64s of 2001:db8:77::/48, one request each: the /48's six, then refusals.
      const spread = await statuses(h, (i) => `2001:db8:77:${(i + 1).toString(16)}::1`, 12);
      expect(sent(spread)).toBe(6);
      expect(spread.slice(6).every((s) => s === 'RATE_LIMITED')).toBe(true);
      expect(sent(await statuses(h, () => '2001:db8:78:1::1', 1))).toBe(1);
      // IPv4 callers have no wider network: each address its own budget, as before.
      expect(sent(await statuses(h, (i) => `198.51.100.${i + 1}`, 4))).toBe(4);
    });
  });
});
