// How a setting is declared, once: its environment variable's type, bounds and default (a zod
// schema), what it means, and which roles read it. Every concern's settings (config.ts and the
// concerns' own *.config.ts) declare theirs with `setting`, so each says "a whole number from 0
// to 10" in the same words; `.env.example`, the compose environment and the settings table in
// docs/operators.md are checked against these declarations (test/settings.test.ts).
import { z } from 'zod';

/** The processes a setting matters to (ROLE=all runs both). */
export type Role = 'api' | 'worker';
export const ALL: readonly Role[] = ['api', 'worker'];
export const API: readonly Role[] = ['api'];
export const WORKER: readonly Role[] = ['worker'];

export interface SettingInfo {
  /** What the setting means, in a line. */
  about: string;
  roles: readonly Role[];
}

/** Declares a setting: its schema, carrying what it means and who reads it (zod's metadata). */
export function setting<T extends z.ZodType>(schema: T, about: string, roles: readonly Role[]): T {
  return schema.meta({ about, roles } satisfies SettingInfo) as T;
}

/** What a declared setting means and who reads it. */
export const settingInfo = (schema: z.ZodType): SettingInfo | undefined => z.globalRegistry.get(schema) as SettingInfo | undefined;

/** A declared setting's default, as the environment would write it; undefined when it has none. */
export function settingDefault(schema: z.ZodType): string | undefined {
  const def = schema.def as { type: string; defaultValue?: unknown };
  return def.type === 'default' ? String(def.defaultValue) : undefined;
}

export const int = (min: number, max: number) =>
  z.coerce
    .number({ message: `must be a whole number from ${min} to ${max}` })
    .int({ message: `must be a whole number from ${min} to ${max}` })
    .min(min, { message: `must be a whole number from ${min} to ${max}` })
    .max(max, { message: `must be a whole number from ${min} to ${max}` });

/** A per-purpose setting's form: "payment=120,login=300" (its bounds are checked by readPerPurpose). */
export const perPurpose = (unit: string, example: string) =>
  z
    .string()
    .regex(/^\s*([A-Za-z0-9_.:-]+\s*=\s*\d{1,6}(\s*,\s*[A-Za-z0-9_.:-]+\s*=\s*\d{1,6})*)?\s*$/, {
      message: `must be a comma list of purpose=${unit}, e.g. ${example}`,
    })
    .optional();

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
