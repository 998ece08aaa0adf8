// A line that would repeat for as long as an outage lasts (every poll, every reconnect), said
// at most once per period: the first at once, each later one with how many were left out since.
// An operator reads "still failing" once a minute, not a screenful every few seconds.

/** Say a repeating problem at most once per `periodMs`. */
export class LogOncePer {
  private loggedAt = -Infinity;
  private skipped = 0;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `log` with how many were left out since the last line, when a line is due; counts this one otherwise. */
  say(log: (leftOutSinceLastLine: number) => void): void {
    const at = this.now();
    if (at - this.loggedAt < this.periodMs) {
      this.skipped += 1;
      return;
    }
    const leftOut = this.skipped;
    this.loggedAt = at;
    this.skipped = 0;
    log(leftOut);
  }
}

/** How often an outage's repeated lines are said. */
export const OUTAGE_LOG_PERIOD_MS = 60_000;
