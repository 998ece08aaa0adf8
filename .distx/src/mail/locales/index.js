// The locales an email can be written in. To add one: copy en.ts, translate it, list it here.
import en from './en.js';
import ms from './ms.js';
import zhHans from './zh-Hans.js';
/** By BCP 47 tag; the first is the default. */
export const LOCALES = { en, ms, 'zh-Hans': zhHans };
export const DEFAULT_LOCALE = 'en';
export const SUPPORTED_LOCALES = Object.keys(LOCALES);
//# sourceMappingURL=index.js.map