// The shipped alert rules against a real Prometheus (Debian's) scraping an API process and a
// worker process (real processes, one database) every second, as docs/operators.md says to
// scrape them (jobs otp-api and otp-worker):
// - before anything is served, every metric an alert reads already has data;
// - a worker that never sends (SendGrid down) makes OtpEmailsNotLeaving's condition hold (its
//   5-minute wait then pages; promtool's history test walks that whole way);
// - a SIGKILLed worker pages (OtpProcessDown firing, the rule's own one-minute wait) within two
//   minutes of its death, naming its instance and job; OtpWorkerMissing's condition holds.
// Prometheus and the processes run on 127.0.0.1, on free ports; all are stopped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { TEST_SECRET } from '../support/harness.js';
import { freePort, waitFor } from '../support/mongod-processes.js';
import { serve, stopService, type ServiceProcess } from '../support/service-process.js';
import { describeOnTier, mongoTier } from '../support/stores.js';

const PROMETHEUS = '/usr/bin/prometheus';
const RULES = new URL('../../src/ops/prometheus/otp.rules.yml', import.meta.url).pathname;
const missing = existsSync(PROMETHEUS) ? null : `${PROMETHEUS} is not installed (.ci/run installs Debian's prometheus package)`;
if (missing && process.env.CI === 'true') throw new Error(`Live alerts: REQUIRED under CI=true, but ${missing}`);
const tier = { ...mongoTier, skip: mongoTier.skip ?? missing };

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

describeOnTier(tier, 'the alerts on a live Prometheus, against an API process and a worker', () => {
  const sendgrid = new FakeSendGrid();
  const env = mongoTier.env();
  let apiProcess: ServiceProcess & { url: string };
  let worker: ServiceProcess & { url: string };
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let api = '';

  beforeAll(async () => {
    await sendgrid.start();
    sendgrid.downFor(10 * 60_000); // SendGrid answers 503 throughout: the worker never sends
    const common = { ...env, NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, SENDGRID_API_KEY: 'SG.test', SENDGRID_BASE_URL: sendgrid.baseUrl, OTP_RESEND_COOLDOWN_SECONDS: '0', SEND_BUDGET_PER_DOMAIN: '0', SEND_BUDGET_TOTAL: '0' };
    [apiProcess, worker] = await Promise.all([serve({ ...common, ROLE: 'api' }), serve({ ...common, ROLE: 'worker' })]);
    dir = await mkdtemp(join(tmpdir(), 'otp-alerts-'));
    const job = (name: string, url: string) => `  - job_name: ${name}\n    static_configs: [{ targets: [${JSON.stringify(new URL(url).host)}] }]\n`;
    await writeFile(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: [${JSON.stringify(RULES)}]\nscrape_configs:\n${job('otp-api', apiProcess.url)}${job('otp-worker', worker.url)}`);
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    await waitFor('Prometheus ready', async () => (await fetch(`${api}/-/ready`).catch(() => null))?.ok, 30_000);
  }, 90_000);
  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (worker) await stopService(worker, 'SIGKILL');
    if (apiProcess) await stopService(apiProcess);
    await sendgrid.close();
    await mongoTier.disposeEnv(env);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const query = async (expr: string) => ((await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
  const alerts = async (name: string): Promise<Alert[]> => ((await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } }).data.alerts.filter((a) => a.labels.alertname === name);

  it('has data for every metric an alert reads before anything is served, sees a worker that never sends, and pages for a killed worker within two minutes, naming it', { timeout: 180_000 }, async () => {
    // Nothing served yet: three scrapes of each process.
    await waitFor('three scrapes of each job', async () => (await query('count_over_time(up[1m]) >= 3')).length === 2, 30_000);
    const shipped = (parse(await readFile(RULES, 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
    const read = new Set(shipped.filter((r) => r.alert).flatMap((r) => [...r.expr.matchAll(/\b(otp_[a-z_]+)\b/g)].map((m) => m[1]!)));
    const without: string[] = [];
    for (const metric of read) if ((await query(`count(${metric})`)).length === 0) without.push(metric);
    expect(without).toEqual([]);
    expect(await alerts('OtpProcessDown')).toEqual([]);

    // Codes issued while SendGrid refuses: no email leaves, and the rule sees it.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(apiProcess.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `mutation { requestOtp(input: { email: "never-${i}-${Date.now()}@example.com" }) { status } }` }) });
      expect(((await res.json()) as { data: { requestOtp: { status: string } } }).data.requestOtp.status).toBe('SENT');
    }
    await waitFor('OtpEmailsNotLeaving pending', async () => (await alerts('OtpEmailsNotLeaving')).some((a) => a.state === 'pending'), 30_000);

    // The worker dies.
    const workerHost = new URL(worker.url).host;
    await stopService(worker, 'SIGKILL');
    const died = Date.now();
    const paged = await waitFor('OtpProcessDown firing', async () => (await alerts('OtpProcessDown')).find((a) => a.state === 'firing'), 130_000);
    expect(Date.now() - died).toBeLessThan(120_000);
    expect(paged.labels).toMatchObject({ job: 'otp-worker', instance: workerHost, severity: 'page' });
    // Its own series gone, the API's still there: no worker at all.
    await waitFor('OtpWorkerMissing pending or firing', async () => (await alerts('OtpWorkerMissing')).length > 0, 30_000);
    // And the dead worker's vanished email counter keeps "no email leaves" true.
    expect((await alerts('OtpEmailsNotLeaving')).length).toBeGreaterThan(0);
  });
});
