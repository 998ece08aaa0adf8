import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryOtpStore } from '../../src/store/memory.store.js';
import { ResumePointLostError } from '../../src/store/otp.store.js';
import { storeTiers } from '../support/stores.js';
import { describeStoreContract, newOtp } from './store.contract.js';
describeStoreContract(storeTiers[0]);
describe('embedded store specifics', () => {
    it('deletes expired codes, as the TTL monitor would', async () => {
        const clock = new ManualClock();
        const store = new MemoryOtpStore({ clock });
        const otp = newOtp({}, clock.now());
        await store.issue(otp);
        expect(store.deleteExpired()).toBe(0);
        clock.advance(301);
        expect(store.deleteExpired()).toBe(1);
        expect(await store.findLatest(otp.email, otp.purpose)).toBeNull();
        await store.close();
    });
    it('refuses a feed position it never gave out', async () => {
        const store = new MemoryOtpStore();
        await expect(store.subscribeInserts('999', async () => undefined)).rejects.toBeInstanceOf(ResumePointLostError);
        await store.close();
    });
});
//# sourceMappingURL=memory.store.test.js.map