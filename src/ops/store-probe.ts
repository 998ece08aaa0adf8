// Asking the store something without waiting on it for long: during an outage the driver
// would wait for a primary for its whole server-selection timeout (30 s), longer than a
// load balancer's probe or a Prometheus scrape. Readiness and metrics both ask this way.
export const STORE_PROBE_TIMEOUT_MS = 2_000;

export type Probe<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs `query`, giving up after `timeoutMs`; never rejects. */
export async function probe<T>(query: () => Promise<T>, timeoutMs = STORE_PROBE_TIMEOUT_MS): Promise<Probe<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Probe<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
  });
  const answer = query().then(
    (value): Probe<T> => ({ ok: true, value }),
    (err: unknown): Probe<T> => ({ ok: false, reason: `unreachable: ${err instanceof Error ? err.message : String(err)}` }),
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
