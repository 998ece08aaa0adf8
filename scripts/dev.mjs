// `npm run dev`: compiles on every change and restarts the service when its compiled code
// changes. tsc --watch writes to .dev/ (not dist/, which npm start and the tests use), and
// node --watch restarts the service whenever a compiled file it loaded is rewritten.
// Development is chosen explicitly here (NODE_ENV=development unless set otherwise).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const OUT_DIR = '.dev';
// TypeScript exports only its package.json and APIs; its bin sits beside the package.json.
const tscBin = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

// Its own process group: TypeScript 7's tsc runs a native compiler as a child of its own,
// and stopping the group stops both.
const tsc = spawn(process.execPath, [tscBin, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput', '--outDir', OUT_DIR], {
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
let service = null;
tsc.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  // The first clean compilation starts the service; later ones restart it through node --watch.
  if (!service && /Found 0 errors/.test(String(chunk))) {
    service = spawn(process.execPath, ['--watch', `${OUT_DIR}/src/main.js`], {
      stdio: 'inherit',
      env: { NODE_ENV: 'development', ...process.env },
    });
    service.on('exit', (code) => stop(code ?? 0));
  }
});
tsc.on('exit', (code) => stop(code ?? 0));

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-tsc.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  // The service shuts down cleanly (it finishes claimed sends); then this process ends.
  if (service && service.exitCode === null) service.once('exit', () => process.exit(code));
  else process.exit(code);
  service?.kill('SIGTERM');
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
