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
import { startHarness } from '../support/harness.js';
const run = promisify(execFile);
const RULES = new URL('../../src/ops/prometheus/otp.rules.yml', import.meta.url).pathname;
const PROMTOOL = '/usr/bin/promtool';
const missing = existsSync(PROMTOOL) ? null : `${PROMTOOL} is not installed (.ci/run installs Debian's prometheus package)`;
if (missing && process.env.CI === 'true')
    throw new Error(`Prometheus rules: REQUIRED under CI=true, but ${missing}`);
if (missing)
    console.log(`Prometheus rules: SKIPPED — ${missing}`);
/** Per alert: series (promtool's notation, one sample a minute) that fire it at `at`, and healthy ones that must not; `labels` the alert's own by-labels. */
const SCENARIOS = {
    OtpEmailsNotLeaving: {
        at: '20m',
        firing: { 'otp_requests_total{status="SENT"}': '0+10x30', 'otp_emails_total{outcome="sent"}': '0x30' },
        healthy: { 'otp_requests_total{status="SENT"}': '0+10x30', 'otp_emails_total{outcome="sent"}': '0+10x30' },
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
    OtpStoreDown: { at: '5m', firing: { otp_store_up: '0x10' }, healthy: { otp_store_up: '1x10' } },
    OtpChangeStreamStuck: { at: '5m', firing: { otp_listener_up: '0x10' }, healthy: { otp_listener_up: '1x10' } },
    OtpMerchantWebhooksFailing: {
        at: '25m',
        firing: { 'otp_merchant_webhooks_total{outcome="retry"}': '0+5x30', 'otp_merchant_webhooks_total{outcome="delivered"}': '0x30' },
        healthy: { 'otp_merchant_webhooks_total{outcome="retry"}': '0+5x30', 'otp_merchant_webhooks_total{outcome="delivered"}': '0+5x30' },
    },
};
const rules = async () => parse(await readFile(RULES, 'utf8')).groups.flatMap((g) => g.rules);
const series = (s) => Object.entries(s).map(([name, values]) => ({ series: name, values }));
describe.skipIf(missing !== null)('the Prometheus rules, by promtool', () => {
    let dir;
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
        for (const alert of alerts)
            expect(alert.annotations?.runbook?.length ?? 0, alert.alert).toBeGreaterThan(40);
        const tests = alerts.flatMap((alert) => {
            const scenario = SCENARIOS[alert.alert];
            const expected = { exp_labels: { ...alert.labels, ...scenario.labels }, exp_annotations: alert.annotations };
            return [
                { interval: '1m', input_series: series(scenario.firing), alert_rule_test: [{ eval_time: scenario.at, alertname: alert.alert, exp_alerts: [expected] }] },
                { interval: '1m', input_series: series(scenario.healthy), alert_rule_test: [{ eval_time: scenario.at, alertname: alert.alert, exp_alerts: [] }] },
            ];
        });
        // And a recording rule by value: 90 % wrong guesses.
        tests.push({
            interval: '1m',
            input_series: series(SCENARIOS.OtpVerificationFailuresSpiking.firing),
            promql_expr_test: [{ expr: 'otp:verification_failure_ratio:rate5m', eval_time: '25m', exp_samples: [{ labels: 'otp:verification_failure_ratio:rate5m', value: 600 / 660 }] }],
        });
        const file = join(dir, 'otp.rules.test.yml');
        await writeFile(file, stringify({ rule_files: [RULES], evaluation_interval: '1m', tests }));
        const result = await run(PROMTOOL, ['test', 'rules', file]).catch((error) => error);
        expect(`${result.stdout}${'stderr' in result ? result.stderr : ''}`).toMatch(/SUCCESS/);
    });
    describe('against the running service', () => {
        let h;
        beforeAll(async () => {
            h = await startHarness();
        });
        afterAll(async () => h?.close());
        it('read only metrics the service exports', async () => {
            const exported = new Set((await (await fetch(h.url.replace('/graphql', '/metrics'))).text())
                .split('\n')
                .filter((l) => l.startsWith('# TYPE '))
                .flatMap((l) => {
                const [, , name, type] = l.split(' ');
                return type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
            }));
            const read = new Set((await rules()).flatMap((r) => [...r.expr.matchAll(/\b(otp_[a-z_]+|graphql_[a-z_]+)\b/g)].map((m) => m[1])));
            expect([...read].filter((name) => !exported.has(name))).toEqual([]);
        });
    });
});
//# sourceMappingURL=prometheus-rules.test.js.map