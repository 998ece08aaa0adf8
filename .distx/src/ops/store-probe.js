// Asking the store something without waiting on it for long: during an outage the driver
// would wait for a primary for its whole server-selection timeout (30 s), longer than a
// load balancer's probe or a Prometheus scrape. Readiness and metrics both ask this way.
export const STORE_PROBE_TIMEOUT_MS = 2_000;
/** Runs `query`, giving up after `timeoutMs`; never rejects. */
export async function probe(query, timeoutMs = STORE_PROBE_TIMEOUT_MS) {
    let timer;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    });
    const answer = query().then((value) => ({ ok: true, value }), (err) => ({ ok: false, reason: `unreachable: ${err instanceof Error ? err.message : String(err)}` }));
    try {
        return await Promise.race([answer, timeout]);
    }
    finally {
        clearTimeout(timer);
    }
}
//# sourceMappingURL=store-probe.js.map