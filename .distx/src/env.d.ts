import { z } from 'zod';
export declare const int: (min: number, max: number) => z.ZodCoercedNumber<unknown>;
export declare const optionalString: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
