// Reads .env from the working directory before anything else runs (main.ts imports it first),
// so that every setting, OpenTelemetry's included, can come from it. Variables already in the
// environment win, as with every dotenv loader. The names .env gave are kept: a refused start
// names them (a .env written for Docker, with NODE_ENV=production, would otherwise break
// `npm start` with no word of where the value came from).
import { existsSync } from 'node:fs';

const before = new Set(Object.keys(process.env));
if (existsSync('.env')) process.loadEnvFile('.env');

/** The variables .env set (none when there is no .env). */
export const fromEnvFile: readonly string[] = Object.keys(process.env).filter((name) => !before.has(name)).sort();
