// A real Prometheus (Debian's prometheus package) scraping the running service every second,
// with the shipped rules loaded, under a short load (codes requested, emailed, delivered by
// SendGrid's signed events, verified right and wrong): every dashboard expression
// (src/ops/grafana/otp-dashboard.json) and every recording rule must evaluate without error and
// with data; every alert rule must be evaluated by Prometheus without error, and each metric
// an alert reads must have data. Prometheus runs on 127.0.0.1 on a free port, its data in a
// temporary folder removed afterwards. Required under CI=true, skipped out loud elsewhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHarness, wrongCode, type Harness } from '../support/harness.js';
import { event, postEvents, PUBLIC_KEY } from '../support/sendgrid-events.js';
import { freePort, waitFor } from '../support/mongod-processes.js';

const PROMETHEUS = '/usr/bin/prometheus';
const RULES = new URL('../../src/ops/prometheus/otp.rules.yml', import.meta.url).pathname;
const DASHBOARD = new URL('../../src/ops/grafana/otp-dashboard.json', import.meta.url).pathname;
const missing = existsSync(PROMETHEUS) ? null : `${PROMETHEUS} is not installed (.ci/run installs Debian's prometheus package)`;
if (missing && process.env.CI === 'true') throw new Error(`Live Prometheus: REQUIRED under CI=true, but ${missing}`);
if (missing) console.log(`Live Prometheus: SKIPPED — ${missing}`);

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { result: { value: [number, string] }[] };
}
interface RulesAnswer {
  data: { groups: { rules: { name: string; type: 'alerting' | 'recording'; health: string; lastError?: string; query: string }[] }[] };
}

describe.skipIf(missing !== null)('the dashboard and the rules on a live Prometheus', () => {
  let h: Harness;
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let api = '';
  let receiver: Server;

  beforeAll(async () => {
    // The merchant's backend, so that webhook outcomes are counted too.
    receiver = createServer((req, res) => void req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    h = await startHarness({
      WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`,
      WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      WEBHOOK_POLL_MS: '100',
      // A domain budget the load goes past, so that its refusals are counted.
      SEND_BUDGET_PER_DOMAIN: '6',
      // SendGrid's events, so that the funnel's deliveries are counted.
      SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY,
    });
    dir = await mkdtemp(join(tmpdir(), 'otp-prometheus-'));
    const target = new URL(h.url).host;
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: [${JSON.stringify(RULES)}]\nscrape_configs:\n  - job_name: otp\n    static_configs: [{ targets: [${JSON.stringify(target)}] }]\n`,
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    await waitFor('Prometheus ready', async () => (await fetch(`${api}/-/ready`)).ok, 30_000);
  });
  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      await exited;
    }
    await h?.close();
    receiver?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const query = async (expr: string): Promise<QueryAnswer> => (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as Promise<QueryAnswer>;

  it('evaluates every dashboard and rule expression without error and with data, under a short load', { timeout: 90_000 }, async () => {
    // Scraped before the load too: a rate needs the counters to move between two scrapes.
    await waitFor('two scrapes before the load', async () => Number((await query('count_over_time(up{job="otp"}[1m])')).data?.result[0]?.value[1] ?? 0) >= 2, 30_000);
    // The load: codes requested (past the domain's budget), verified right and wrong, spread
    // over several scrapes (a labelled series appears at its first count: its rate needs more).
    for (let i = 0; i < 16; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const email = `prom-${i}-${Date.now()}@example.com`;
      const sent = await h.client.requestOtp({ email });
      if (sent.status !== 'SENT') continue;
      const code = await h.sendgrid.latestCode(email);
      // SendGrid reports the email delivered, with the custom args it carried.
      const mail = h.sendgrid.emailsTo(email).at(-1)!;
      expect((await postEvents(h.url, [event(mail.customArgs.otp_id!, 'delivered', { email, ...mail.customArgs })])).status).toBe(204);
      await h.client.verifyOtp({ email, requestId: sent.requestId!, otp: wrongCode(code) });
      await h.client.verifyOtp({ email, requestId: sent.requestId!, otp: code });
    }
    // Enough scrapes after the load for every rate, and the rules evaluated on them.
    await waitFor('five scrapes after the load', async () => Number((await query('count_over_time(up{job="otp"}[10s])')).data?.result[0]?.value[1] ?? 0) >= 5, 30_000);
    await waitFor('the webhooks delivered and scraped', async () => ((await query('otp_merchant_webhooks_total{outcome="delivered"}')).data?.result.length ?? 0) > 0, 30_000);

    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const empty: string[] = [];
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const answer = await query(expr);
        expect(answer.status, `${panel.title}: ${answer.error}`).toBe('success');
        const values = answer.data!.result.map((r) => r.value[1]);
        if (values.length === 0 || values.every((v) => v === 'NaN')) empty.push(`${panel.title}: ${expr} → ${JSON.stringify(answer.data!.result).slice(0, 300)}`);
      }
    }
    expect(empty).toEqual([]);

    const rules = (await ((await fetch(`${api}/api/v1/rules`)).json() as Promise<RulesAnswer>)).data.groups.flatMap((g) => g.rules);
    const shipped = (parse(await readFile(RULES, 'utf8')) as { groups: { rules: { alert?: string; record?: string }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules).toHaveLength(shipped.length);
    for (const rule of rules) expect({ rule: rule.name, health: rule.health, lastError: rule.lastError ?? '' }).toEqual({ rule: rule.name, health: 'ok', lastError: '' });
    for (const rule of rules.filter((r) => r.type === 'recording')) {
      expect((await query(rule.name)).data?.result.length, rule.name).toBeGreaterThan(0);
    }
    // An alert's expression is a condition (empty while all is well): the metrics it reads must have data.
    const read = new Set(rules.filter((r) => r.type === 'alerting').flatMap((r) => [...r.query.matchAll(/\b(otp_[a-z_]+)\b/g)].map((m) => m[1]!)));
    const without: string[] = [];
    for (const metric of read) if (((await query(`count(${metric})`)).data?.result.length ?? 0) === 0) without.push(metric);
    expect(without).toEqual([]);
  });
});
