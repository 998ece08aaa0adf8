// What an operator sees when the database goes away: the worker's otp_listener_up falls to 0
// within a scrape or two (its driver may take a minute to notice on its own), and lines that
// would repeat for the whole outage are said once per period (LogOncePer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogOncePer } from '../../src/log-once-per.js';
import { locateMongod } from '../../src/store/embedded-mongo.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ReplicaSet } from '../support/mongod-processes.js';
import { describeOnTier, mongoTier } from '../support/stores.js';

describe('a line said at most once per period', () => {
  it('says the first at once, then one per period with how many were left out', () => {
    let now = 0;
    const said: number[] = [];
    const once = new LogOncePer(60_000, () => now);
    for (; now < 180_000; now += 5_000) once.say((leftOut) => said.push(leftOut));
    // 36 calls, every 5 s for 3 minutes: lines at 0, 60 and 120 s.
    expect(said).toEqual([0, 11, 11]);
  });
});

const binary = await locateMongod();
const tier = { ...mongoTier, skip: mongoTier.skip ?? (binary ? null : 'this test starts its own mongod: no binary here') };

describeOnTier(tier, 'a worker whose database dies (SIGKILL)', () => {
  let set: ReplicaSet;
  let h: Harness;
  beforeAll(async () => {
    set = await ReplicaSet.start(binary!, 1);
    h = await startHarness({ MONGODB_URI: set.uri(), MONGODB_DB: 'outage', MONGODB_TIMEOUT_MS: '2000' });
  }, 60_000);
  afterAll(async () => {
    // The database back first, so the service closes at once rather than waiting out its driver.
    await set?.nodes[0]?.start().catch(() => undefined);
    await h?.close().catch(() => undefined);
    await set?.close();
  }, 60_000);

  const listenerUp = async () => {
    const text = await (await fetch(h.url.replace('/graphql', '/metrics'))).text();
    return Number(/^otp_listener_up (\S+)$/m.exec(text)?.[1]);
  };

  it('reports otp_listener_up 0 within seconds, not the driver\'s minute', { timeout: 30_000 }, async () => {
    await expect.poll(listenerUp, { timeout: 10_000 }).toBe(1);
    await set.nodes[0]!.stop('SIGKILL');
    const lost = Date.now();
    await expect.poll(listenerUp, { timeout: 15_000, interval: 500 }).toBe(0);
    // Generous for a busy machine; the driver alone took about 70 s.
    expect(Date.now() - lost).toBeLessThan(15_000);
  });
});
