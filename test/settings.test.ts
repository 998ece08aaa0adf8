// One declaration per setting (src/env.ts `setting`): the copies a reader meets elsewhere —
// .env.example, the compose environment, the settings table in docs/operators.md — are held
// to it here, and a drift fails naming the setting.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS } from '../src/config.js';
import { settingDefault, settingInfo } from '../src/env.js';

const names = Object.keys(SETTINGS);
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
/** "1_000", "1,000" and "`1000`" read alike. */
const plain = (text: string) => text.replace(/[`_,]/g, '');

describe('every setting is declared once, and its copies agree with the declaration', () => {
  it('each declaration says what the setting means and which roles read it', () => {
    const undescribed = names.filter((name) => {
      const info = settingInfo(SETTINGS[name as keyof typeof SETTINGS]);
      return !info || info.about.length < 8 || info.roles.length === 0;
    });
    expect(undescribed, 'settings declared without a meaning or roles').toEqual([]);
  });

  it('.env.example names every setting, none other, with the declared defaults', () => {
    const lines = read('.env.example').split('\n');
    const listed = new Map<string, string | null>();
    for (const line of lines) {
      const match = /^(#\s*)?([A-Z][A-Z0-9_]+)=(\S*)/.exec(line);
      if (match) listed.set(match[2]!, match[1] ? null : match[3]!);
    }
    expect(names.filter((name) => !listed.has(name)), 'declared but missing from .env.example').toEqual([]);
    expect([...listed.keys()].filter((name) => !names.includes(name)), 'in .env.example but not declared').toEqual([]);
    const drifted = names.filter((name) => {
      const value = listed.get(name);
      const declared = settingDefault(SETTINGS[name as keyof typeof SETTINGS]);
      return value != null && declared !== undefined && value !== declared;
    });
    expect(drifted, '.env.example values that differ from the declared default').toEqual([]);
  });

  it('the compose service passes on every setting but PORT and HOST, and nothing undeclared', () => {
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { environment?: Record<string, unknown> }> };
    const passed = Object.keys(compose.services.otp?.environment ?? {});
    expect(names.filter((name) => !passed.includes(name)), 'declared but not passed on by compose').toEqual(['PORT', 'HOST']);
    expect(passed.filter((name) => !names.includes(name)), 'in compose but not declared').toEqual([]);
  });

  it("docs/operators.md's settings table has a row for every setting, none other, showing its declared default", () => {
    const doc = read('docs/operators.md');
    const section = doc.slice(doc.indexOf('## Configuration'), doc.indexOf('\n## ', doc.indexOf('## Configuration') + 1));
    const rows = new Map<string, string>();
    for (const line of section.split('\n')) {
      const cells = line.split(' | ');
      if (!line.startsWith('| `') || cells.length < 3) continue;
      for (const [, name] of cells[0]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) rows.set(name!, plain(cells[1]!));
    }
    expect(names.filter((name) => !rows.has(name)), 'declared but not in the settings table').toEqual([]);
    // OpenTelemetry's OTEL_* are the SDK's own variables, which it reads itself: named, not ours.
    expect([...rows.keys()].filter((name) => !names.includes(name) && !name.startsWith('OTEL_')), 'in the settings table but not declared').toEqual([]);
    const drifted = names.filter((name) => {
      const declared = settingDefault(SETTINGS[name as keyof typeof SETTINGS]);
      return declared !== undefined && !rows.get(name)!.includes(plain(declared));
    });
    expect(drifted, "settings whose table row does not show the declared default").toEqual([]);
  });
});
