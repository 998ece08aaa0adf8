const isOpen = (window, now) => window !== undefined && window.resetAt > now;
/** Milliseconds until the window lets one more through, or null when it lets one through now. */
export function refusalMs(window, limit, now) {
    return isOpen(window, now) && window.count >= limit.max ? window.resetAt - now : null;
}
/** The window after counting one more at `now`. */
export function counted(window, limit, now) {
    return isOpen(window, now)
        ? { count: window.count + 1, resetAt: window.resetAt }
        : { count: 1, resetAt: now + limit.windowSeconds * 1000 };
}
const within = (log, limit, now) => (log ?? []).filter((t) => t > now - limit.windowSeconds * 1000);
/** Milliseconds until the log lets one more through, or null when it lets one through now. */
export function slidingRefusalMs(log, limit, now) {
    const live = within(log, limit, now);
    return live.length >= limit.max ? live[live.length - limit.max] + limit.windowSeconds * 1000 - now : null;
}
/** The log after counting one more at `now`. */
export function slidingCounted(log, limit, now) {
    return [...within(log, limit, now), now].slice(-limit.max);
}
/** The cooldown, then the send window: what every email (a new code or a resend) must pass. */
export function sendRefusal(state, limits, now) {
    if (state.cooldownUntil > now)
        return { limit: 'cooldown', retryAfterMs: state.cooldownUntil - now };
    const sends = refusalMs(state.sends, limits.sends, now);
    return sends === null ? null : { limit: 'sends', retryAfterMs: sends };
}
/**
 * The attempt budget's units still held at `now`: one per wrong guess inside the window, and
 * the attempts each live code has left. A new code needs `maxAttempts` more.
 */
export function attemptsHeld(state, { maxAttempts, budget }, now) {
    const reserved = state.codes.filter((c) => c.expiresAt > now).reduce((sum, c) => sum + Math.max(0, maxAttempts - c.attempts), 0);
    return within(state.guesses, budget, now).length + reserved;
}
/**
 * Milliseconds until the budget can cover a new code, or null when it can now: the units free
 * in time order (a guess as it leaves the window, a code's unused attempts when it expires)
 * until enough are free.
 */
export function attemptRefusalMs(state, attempts, now) {
    let short = attemptsHeld(state, attempts, now) + attempts.maxAttempts - attempts.budget.max;
    if (short <= 0)
        return null;
    const frees = [
        ...within(state.guesses, attempts.budget, now).map((t) => ({ at: t + attempts.budget.windowSeconds * 1000, units: 1 })),
        ...state.codes.filter((c) => c.expiresAt > now).map((c) => ({ at: c.expiresAt, units: Math.max(0, attempts.maxAttempts - c.attempts) })),
    ].sort((a, b) => a.at - b.at);
    for (const free of frees) {
        short -= free.units;
        if (short <= 0)
            return free.at - now;
    }
    // Only when the budget is smaller than one code's attempts, which the configuration refuses.
    return attempts.budget.windowSeconds * 1000;
}
/** Which of an address's limits refuses a new code at `now`, in the order they are judged; null: none. */
export function issueRefusal(state, limits, now) {
    const send = sendRefusal(state, limits, now);
    if (send)
        return send;
    // A code its wrong guesses have killed holds no place: it can never be verified.
    const live = state.codes.filter((c) => c.expiresAt > now && c.attempts < limits.attempts.maxAttempts);
    if (live.length >= limits.maxLive)
        return { limit: 'live', retryAfterMs: Math.min(...live.map((c) => c.expiresAt)) - now };
    const attempts = attemptRefusalMs(state, limits.attempts, now);
    return attempts === null ? null : { limit: 'attempts', retryAfterMs: attempts };
}
//# sourceMappingURL=window-count.js.map