import type { OtpMessages } from './messages.js';
export type { EmailKind, OtpMessages } from './messages.js';
/** By BCP 47 tag; the first is the default. */
export declare const LOCALES: Readonly<Record<string, OtpMessages>>;
export declare const DEFAULT_LOCALE = "en";
export declare const SUPPORTED_LOCALES: readonly string[];
