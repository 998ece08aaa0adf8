export declare const STORE_PROBE_TIMEOUT_MS = 2000;
export type Probe<T> = {
    ok: true;
    value: T;
} | {
    ok: false;
    reason: string;
};
/** Runs `query`, giving up after `timeoutMs`; never rejects. */
export declare function probe<T>(query: () => Promise<T>, timeoutMs?: number): Promise<Probe<T>>;
