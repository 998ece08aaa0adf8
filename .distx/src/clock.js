export const systemClock = { now: () => new Date() };
/** A clock that only moves when told to: for tests of expiry and leases. */
export class ManualClock {
    ms;
    constructor(start = Date.now()) {
        this.ms = typeof start === 'number' ? start : start.getTime();
    }
    now() {
        return new Date(this.ms);
    }
    advance(seconds) {
        this.ms += seconds * 1000;
    }
}
//# sourceMappingURL=clock.js.map