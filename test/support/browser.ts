// Debian's Chromium, as the browser tests drive it (npm packages cannot download browsers
// here): whether it is installed (required under CI=true: .ci/run installs it), and a launch
// with no sandbox (root) and none of its background connections (no network here).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here (null: they can); throws under CI=true, where they must. */
export function chromiumMissing(what = 'Browser test'): string | null {
  const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (.ci/run installs it with apt-get)`;
  if (missing && process.env.CI === 'true') throw new Error(`${what}: REQUIRED under CI=true, but ${missing}`);
  if (missing) console.log(`${what}: SKIPPED — ${missing}`);
  return missing;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
