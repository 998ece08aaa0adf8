// Hostile: the WebSocket side in production (issue 22, row 6: over WebSocket, introspection
// answered the whole schema and a typo got "Did you mean otpPolicy?", which HTTP refuses). Both
// transports now apply the same rules. A real graphql-ws client on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { collect, wsClient } from '../support/ws-client.js';

describe('GraphQL over WebSocket in production', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ NODE_ENV: 'production' });
  });
  afterAll(async () => h.close());

  it('refuses introspection and names no field it was not asked for, as HTTP does', async () => {
    const client = wsClient(h.url);
    try {
      const schema = collect(client, '{ __schema { types { name } } }');
      await schema.ended;
      expect(schema.values).toEqual([]);
      expect(JSON.stringify(schema.errors)).toMatch(/introspection/i);
      expect(JSON.stringify(schema.errors)).not.toContain('OtpStatus');

      const typo = collect(client, '{ otpPolic { ttlSeconds } }');
      await typo.ended;
      expect(typo.values).toEqual([]);
      expect(JSON.stringify(typo.errors)).toContain('Cannot query field');
      expect(JSON.stringify(typo.errors)).not.toContain('Did you mean');
      expect(JSON.stringify(typo.errors)).not.toContain('otpPolicy');
    } finally {
      await client.dispose();
    }
    // HTTP, for comparison: the same refusals, and the sentence ends where graphql's hint began
    // (no "[Suggestion hidden]?" left behind).
    const http = await h.gql('{ otpPolic { ttlSeconds } }');
    expect(http.errors?.map((e) => e.message)).toEqual(['Cannot query field "otpPolic" on type "Query".']);
    const input = await h.gql('mutation { requestOtp(input: { emial: "a@example.com" }) { status } }');
    expect(input.errors?.map((e) => e.message)).toContain('Field "emial" is not defined by type "RequestOtpInput".');
    expect(JSON.stringify(input.errors)).not.toMatch(/Suggestion|Did you mean|\?"/);
  });
});
