// The Node versions the project claims, held to what its packages and its image say: a clean
// `npm ci` on the oldest Node that `engines` admits must print no EBADENGINE warning.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
const read = (path) => readFile(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');
describe('Node versions', () => {
    it('every locked package accepts the oldest Node that engines admits', async () => {
        const pkg = JSON.parse(await read('package.json'));
        const oldest = semver.minVersion(pkg.engines.node).version;
        const lock = JSON.parse(await read('package-lock.json'));
        const refusing = Object.entries(lock.packages)
            .filter(([path]) => path !== '')
            .flatMap(([path, entry]) => {
            const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
            return range && !semver.satisfies(oldest, range) ? [`${path.replace(/^.*node_modules\//, '')} wants node ${range}`] : [];
        });
        expect(refusing).toEqual([]);
    });
    it('.nvmrc and the image name the same LTS line, newer than the floor', async () => {
        const nvmrc = (await read('.nvmrc')).trim();
        const images = [...(await read('Dockerfile')).matchAll(/^FROM node:(\d+)-/gm)].map((m) => m[1]);
        expect(images.length).toBeGreaterThan(0);
        for (const major of images)
            expect(major).toBe(nvmrc);
        expect(Number(nvmrc) % 2).toBe(0); // even majors are the LTS lines
        expect(Number(nvmrc)).toBeGreaterThan(semver.minVersion(JSON.parse(await read('package.json')).engines.node).major);
    });
});
//# sourceMappingURL=engines.test.js.map