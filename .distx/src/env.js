// The value types environment variables are read as, shared by every concern's settings
// (config.ts and the concerns' own *.config.ts), so that each says "a whole number from 0 to
// 10" in the same words.
import { z } from 'zod';
export const int = (min, max) => z.coerce
    .number({ message: `must be a whole number from ${min} to ${max}` })
    .int({ message: `must be a whole number from ${min} to ${max}` })
    .min(min, { message: `must be a whole number from ${min} to ${max}` })
    .max(max, { message: `must be a whole number from ${min} to ${max}` });
export const optionalString = z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
//# sourceMappingURL=env.js.map