// The shipped Prometheus rules (src/ops/prometheus/otp.rules.yml), checked by Debian's promtool:
// `promtool check rules`, then `promtool test rules` on a unit test per alert — a history that
// must fire it and a healthy one that must not — written here from the scenarios below, with
// each alert's labels and runbook read from the rules file itself. Every metric a rule reads
// must be one the running service exports. Under CI=true promtool is required (.ci/run installs
// the prometheus package); elsewhere, without it, these tests are skipped out loud.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startHarness, type Harness } from '../support/harness.js';

const run = promisify(execFile);
const RULES = new URL('../../src/ops/prometheus/otp.rules.yml', import.meta.url).pathname;
const PROMTOOL = '/usr/bin/promtool';
const missing = existsSync(PROMTOOL) ? null : `${PROMTOOL} is not installed (.ci/run installs Debian's prometheus package)`;
if (missing && process.env.CI === 'true') throw new Error(`Prometheus rules: REQUIRED under CI=true, but ${missing}`);
if (missing) console.log(`Prometheus rules: SKIPPED — ${missing}`);

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
type Series = Record<string, string>;

/** A funnel series of sign-in codes to gmail addresses, at one stage. */
const GMAIL = (stage: string) => `stage="${stage}",kind="signIn",provider="gmail"`;

/** A worker process's labels, as a scrape job would set them. */
const WORKER = 'job="otp-worker",instance="worker-1:4001"';

/**
 * Per alert: histories (promtool's notation, one sample a minute; `stale` is a process that
 * stopped answering) that must fire it at `at` (one, or several), and a healthy one that must
 * not; `labels` the alert's own by-labels.
 */
const SCENARIOS: Record<string, { at: string; firing: Series | Series[]; healthy: Series; labels?: Record<string, string> }> = {
  OtpEmailsNotLeaving: {
    at: '20m',
    firing: [
      // A worker that never sent anything (its counter at 0 from the start).
      { 'otp_requests_total{status="SENT"}': '0+10x30', 'otp_emails_total{outcome="sent"}': '0x30' },
      // A worker SIGKILLed at minute 3: its series go stale, the API goes on issuing codes.
      { 'otp_requests_total{status="SENT"}': '0+10x30', [`otp_emails_total{outcome="sent",${WORKER}}`]: '0+10x3 stale' },
    ],
    healthy: { 'otp_requests_total{status="SENT"}': '0+10x30', 'otp_emails_total{outcome="sent"}': '0+10x30' },
  },
  OtpProcessDown: {
    at: '6m',
    labels: { job: 'otp-worker', instance: 'worker-1:4001' },
    firing: { [`up{${WORKER}}`]: '1x3 0x10' },
    healthy: { [`up{${WORKER}}`]: '1x10' },
  },
  OtpWorkerMissing: {
    at: '8m',
    // The worker died at minute 3; the API's counters go on.
    firing: { 'otp_requests_total{status="SENT"}': '0+1x10', [`otp_listener_up{${WORKER}}`]: '1x3 stale' },
    healthy: { 'otp_requests_total{status="SENT"}': '0+1x10', [`otp_listener_up{${WORKER}}`]: '1x10' },
  },
  OtpSendGridRefusing: {
    at: '15m',
    firing: { 'otp_emails_total{outcome="failed"}': '0+1x20', 'otp_emails_total{outcome="sent"}': '0+10x20' },
    healthy: { 'otp_emails_total{outcome="failed"}': '0x20', 'otp_emails_total{outcome="sent"}': '0+10x20' },
  },
  OtpSendGridRetrying: {
    at: '20m',
    firing: { 'otp_emails_total{outcome="retried"}': '0+10x30', 'otp_emails_total{outcome="sent"}': '0+5x30' },
    healthy: { 'otp_emails_total{outcome="retried"}': '0+1x30', 'otp_emails_total{outcome="sent"}': '0+10x30' },
  },
  OtpEmailUnconfirmedRetries: {
    at: '30m',
    firing: { otp_email_unconfirmed_retries_total: '0+1x40' },
    healthy: { otp_email_unconfirmed_retries_total: '0x40' },
  },
  OtpEmailsDelayed: {
    at: '5m',
    firing: { otp_delivery_oldest_pending_seconds: '120x10' },
    healthy: { otp_delivery_oldest_pending_seconds: '5x10' },
  },
  OtpEmailLatencyHigh: {
    at: '25m',
    firing: {
      'otp_email_delay_seconds_bucket{le="1"}': '0x30',
      'otp_email_delay_seconds_bucket{le="10"}': '0x30',
      'otp_email_delay_seconds_bucket{le="30"}': '0+10x30',
      'otp_email_delay_seconds_bucket{le="+Inf"}': '0+10x30',
    },
    healthy: {
      'otp_email_delay_seconds_bucket{le="1"}': '0+10x30',
      'otp_email_delay_seconds_bucket{le="10"}': '0+10x30',
      'otp_email_delay_seconds_bucket{le="30"}': '0+10x30',
      'otp_email_delay_seconds_bucket{le="+Inf"}': '0+10x30',
    },
  },
  OtpVerificationFailuresSpiking: {
    at: '25m',
    firing: { 'otp_verifications_total{status="MISMATCHED"}': '0+600x30', 'otp_verifications_total{status="VERIFIED"}': '0+60x30' },
    healthy: { 'otp_verifications_total{status="MISMATCHED"}': '0+60x30', 'otp_verifications_total{status="VERIFIED"}': '0+600x30' },
  },
  OtpSendBudgetTripping: {
    at: '15m',
    labels: { budget: 'domain' },
    firing: { 'otp_send_budget_refusals_total{budget="domain"}': '0+5x20' },
    healthy: { 'otp_send_budget_refusals_total{budget="domain"}': '0x20' },
  },
  OtpStoreDown: { at: '5m', labels: { job: 'otp-worker', instance: 'worker-1:4001' }, firing: { [`otp_store_up{${WORKER}}`]: '0x10' }, healthy: { [`otp_store_up{${WORKER}}`]: '1x10' } },
  OtpChangeStreamStuck: { at: '5m', labels: { job: 'otp-worker', instance: 'worker-1:4001' }, firing: { [`otp_listener_up{${WORKER}}`]: '0x10' }, healthy: { [`otp_listener_up{${WORKER}}`]: '1x10' } },
  // A day and a half of gmail traffic, 60 first emails a minute; in the last 100 minutes its
  // delivered share falls from 95 % to 17 % (the healthy history stays at 95 %).
  OtpDeliveryDropping: {
    at: '1600m',
    labels: { provider: 'gmail' },
    firing: { [`otp_funnel_total{${GMAIL('sent')}}`]: '0+60x1600', [`otp_funnel_total{${GMAIL('delivered')}}`]: '0+57x1500 85500+10x100' },
    healthy: { [`otp_funnel_total{${GMAIL('sent')}}`]: '0+60x1600', [`otp_funnel_total{${GMAIL('delivered')}}`]: '0+57x1600' },
  },
  OtpConversionDropping: {
    at: '1600m',
    labels: { provider: 'gmail' },
    firing: { [`otp_funnel_total{${GMAIL('requested')}}`]: '0+60x1600', [`otp_funnel_total{${GMAIL('verified')}}`]: '0+45x1500 67500+10x100' },
    healthy: { [`otp_funnel_total{${GMAIL('requested')}}`]: '0+60x1600', [`otp_funnel_total{${GMAIL('verified')}}`]: '0+45x1600' },
  },
  OtpMerchantWebhooksFailing: {
    at: '25m',
    firing: { 'otp_merchant_webhooks_total{outcome="retry"}': '0+5x30', 'otp_merchant_webhooks_total{outcome="delivered"}': '0x30' },
    healthy: { 'otp_merchant_webhooks_total{outcome="retry"}': '0+5x30', 'otp_merchant_webhooks_total{outcome="delivered"}': '0+5x30' },
  },
};

const rules = async (): Promise<Rule[]> => (parse(await readFile(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const series = (s: Series) => Object.entries(s).map(([name, values]) => ({ series: name, values }));

describe.skipIf(missing !== null)('the Prometheus rules, by promtool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otp-rules-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('pass promtool check rules', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fire each alert on the history it is for, and stay quiet on a healthy one (promtool test rules)', async () => {
    const alerts = (await rules()).filter((r) => r.alert);
    // Every alert has its scenario and a runbook line, and every scenario its alert.
    expect(alerts.map((a) => a.alert).sort()).toEqual(Object.keys(SCENARIOS).sort());
    for (const alert of alerts) expect(alert.annotations?.runbook?.length ?? 0, alert.alert).toBeGreaterThan(40);
    const tests = alerts.flatMap((alert) => {
      const scenario = SCENARIOS[alert.alert!]!;
      const expected = { exp_labels: { ...alert.labels, ...scenario.labels }, exp_annotations: alert.annotations };
      const firing = Array.isArray(scenario.firing) ? scenario.firing : [scenario.firing];
      return [
        ...firing.map((history) => ({ interval: '1m', input_series: series(history), alert_rule_test: [{ eval_time: scenario.at, alertname: alert.alert, exp_alerts: [expected] }] })),
        { interval: '1m', input_series: series(scenario.healthy), alert_rule_test: [{ eval_time: scenario.at, alertname: alert.alert, exp_alerts: [] }] },
      ];
    });
    // And a recording rule by value: 90 % wrong guesses.
    tests.push({
      interval: '1m',
      input_series: series(SCENARIOS.OtpVerificationFailuresSpiking!.firing as Series),
      promql_expr_test: [{ expr: 'otp:verification_failure_ratio:rate5m', eval_time: '25m', exp_samples: [{ labels: 'otp:verification_failure_ratio:rate5m', value: 600 / 660 }] }],
    } as never);
    const file = join(dir, 'otp.rules.test.yml');
    await writeFile(file, stringify({ rule_files: [RULES], evaluation_interval: '1m', tests }));
    const result = await run(PROMTOOL, ['test', 'rules', file]).catch((error: { stdout: string; stderr: string }) => error);
    expect(`${result.stdout}${'stderr' in result ? result.stderr : ''}`).toMatch(/SUCCESS/);
  });

  describe('against the running service', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(async () => h?.close());

    it('find every series they read at a service that has served nothing yet, in the role that owns it', async () => {
      // Each selector the rules name, e.g. otp_emails_total{outcome="sent"}, with its label values
      // (a regex alternative, status=~"A|B", is each of its values).
      const wanted = (await rules()).flatMap((r) =>
        [...r.expr.matchAll(/\b((?:otp|graphql)_[a-z_]+)(?:\{([^}]*)\})?/g)].flatMap(([, name, matchers]) => {
          const pairs = [...(matchers ?? '').matchAll(/(\w+)=~?"([^"]*)"/g)].flatMap(([, label, values]) => values!.split('|').map((value) => `${label}="${value}"`));
          return pairs.length > 0 ? pairs.map((pair) => ({ name: name!, pair })) : [{ name: name!, pair: '' }];
        }),
      );
      const scrape = async (harness: Harness) => (await (await fetch(new URL('/metrics', harness.url))).text()).split('\n').filter((l) => !l.startsWith('#'));
      const has = (lines: string[], { name, pair }: { name: string; pair: string }) => lines.some((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(pair));
      // One process doing both, as the quick start runs.
      const all = await scrape(h);
      expect(wanted.filter((w) => !has(all, w)).map((w) => `${w.name}{${w.pair}}`)).toEqual([]);
      // An API process and a worker: between them, every series; none in a role that does not own it.
      const api = await startHarness({ ROLE: 'api' });
      const worker = await startHarness({ ROLE: 'worker' });
      try {
        const [apiLines, workerLines] = [await scrape(api), await scrape(worker)];
        expect(wanted.filter((w) => !has(apiLines, w) && !has(workerLines, w)).map((w) => `${w.name}{${w.pair}}`)).toEqual([]);
        expect(workerLines.some((l) => l.startsWith('otp_requests_total{'))).toBe(false);
        expect(apiLines.some((l) => l.startsWith('otp_emails_total{'))).toBe(false);
        expect(workerLines).toContain('otp_emails_total{outcome="sent"} 0');
        expect(apiLines).toContain('otp_requests_total{status="SENT"} 0');
      } finally {
        await api.close();
        await worker.close();
      }
    });

    it('read only metrics the service exports', async () => {
      const exported = new Set(
        (await (await fetch(h.url.replace('/graphql', '/metrics'))).text())
          .split('\n')
          .filter((l) => l.startsWith('# TYPE '))
          .flatMap((l) => {
            const [, , name, type] = l.split(' ');
            return type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!];
          }),
      );
      const read = new Set((await rules()).flatMap((r) => [...r.expr.matchAll(/\b(otp_[a-z_]+|graphql_[a-z_]+)\b/g)].map((m) => m[1]!)));
      expect([...read].filter((name) => !exported.has(name))).toEqual([]);
    });
  });
});
