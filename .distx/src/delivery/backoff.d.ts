/** The wait after failed attempt `attempt` (1-based): doubling from `baseMs`, plus up to `baseMs` of jitter. */
export declare function backoffDelayMs(attempt: number, baseMs: number): number;
/**
 * The longest a claim must cover without a renewal: one provider call timing out. (Failed
 * attempts go back to the store to wait; split calls run while the claim is being renewed.)
 */
export declare function worstCaseSendMs(o: {
    timeoutMs: number;
}): number;
