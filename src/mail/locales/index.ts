// The locales an email can be written in. To add one: copy en.ts, translate it, list it here.
import en from './en.js';
import type { OtpMessages } from './messages.js';
import ms from './ms.js';
import zhHans from './zh-Hans.js';

export type { EmailKind, OtpMessages } from './messages.js';

/** By BCP 47 tag; the first is the default. */
export const LOCALES: Readonly<Record<string, OtpMessages>> = { en, ms, 'zh-Hans': zhHans };

export const DEFAULT_LOCALE = 'en';

export const SUPPORTED_LOCALES: readonly string[] = Object.keys(LOCALES);
