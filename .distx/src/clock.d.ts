export interface Clock {
    now(): Date;
}
export declare const systemClock: Clock;
/** A clock that only moves when told to: for tests of expiry and leases. */
export declare class ManualClock implements Clock {
    private ms;
    constructor(start?: Date | number);
    now(): Date;
    advance(seconds: number): void;
}
