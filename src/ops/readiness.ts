// What /readyz reports: ready only when the store answers, the insert listener runs, the
// mailer is configured, and the process is not shutting down. Each check is named, so a 503
// says what is wrong. An API-only process (ROLE=api) sends no email: it has no listener or
// mailer to check.
import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Mailer } from '../mail/mailer.js';
import type { StoreHealth } from '../store/health.js';
import { probe } from './store-probe.js';

export interface ReadinessReport {
  ready: boolean;
  checks: Partial<Record<'store' | 'listener' | 'mailer' | 'shutdown', string>>;
}

export class Readiness {
  /** Set first thing on shutdown, so load balancers stop sending before the server closes. */
  draining = false;

  constructor(
    private readonly store: StoreHealth,
    /** Null in an API-only process. */
    private readonly delivery: { dispatcher: Dispatcher; mailer: Mailer } | null,
    private readonly production: boolean,
  ) {}

  async report(): Promise<ReadinessReport> {
    const store = await this.pingStore();
    const { delivery } = this;
    const checks = {
      store,
      ...(delivery && {
        listener: delivery.dispatcher.running ? 'ok' : 'not running',
        mailer: delivery.mailer.kind === 'sendgrid' ? 'ok' : this.production ? 'log mailer in production' : 'ok (log mailer, development)',
      }),
      shutdown: this.draining ? 'shutting down' : 'ok',
    };
    return { ready: Object.values(checks).every((v) => v?.startsWith('ok')), checks };
  }

  private async pingStore(): Promise<string> {
    const answer = await probe(() => this.store.ping());
    return answer.ok ? 'ok' : answer.reason;
  }
}
