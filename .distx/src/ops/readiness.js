import { probe } from './store-probe.js';
export class Readiness {
    store;
    delivery;
    production;
    /** Set first thing on shutdown, so load balancers stop sending before the server closes. */
    draining = false;
    constructor(store, 
    /** Null in an API-only process. */
    delivery, production) {
        this.store = store;
        this.delivery = delivery;
        this.production = production;
    }
    async report() {
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
    async pingStore() {
        const answer = await probe(() => this.store.ping());
        return answer.ok ? 'ok' : answer.reason;
    }
}
//# sourceMappingURL=readiness.js.map