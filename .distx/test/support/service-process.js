// The service as `npm start` runs it (dist/src/main.js, compiled by `npm test`'s tsc step), as a
// child process: its log lines collected, its URL read from the "serving" line, and stopped
// with SIGTERM or killed with SIGKILL. Runs outside the repository so a .env cannot interfere.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
const main = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));
/** `env` over this process's environment (NODE_ENV development unless given); a name given as undefined is left out. */
export function startService(env, cwd = tmpdir()) {
    const { MONGODB_URI: _m, SENDGRID_API_KEY: _s, ...inherited } = process.env;
    const merged = Object.entries({ ...inherited, NODE_ENV: 'development', ...env }).filter((entry) => entry[1] !== undefined);
    const child = spawn(process.execPath, [main], { cwd, env: Object.fromEntries(merged) });
    const lines = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr.on('data', (chunk) => stderr.push(...chunk.toString().split('\n').filter(Boolean)));
    return { child, lines, stderr };
}
export async function waitForLine(lines, pattern, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const found = lines.find((l) => pattern.test(l));
        if (found)
            return found;
        if (Date.now() > deadline)
            throw new Error(`no line matching ${pattern} in:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 25));
    }
}
/** Starts the service and waits until it serves; resolves to it with its GraphQL URL. */
export async function serve(env) {
    const service = startService({ PORT: '0', HOST: '127.0.0.1', ...env });
    try {
        const serving = JSON.parse(await waitForLine(service.lines, /otp-graphql is serving/, 30_000));
        return { ...service, url: serving.url };
    }
    catch (error) {
        service.child.kill('SIGKILL');
        throw new Error(`${error.message}\nstderr:\n${service.stderr.join('\n')}`);
    }
}
/** Ends the process (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it. */
export async function stopService(service, signal = 'SIGTERM') {
    if (service.child.exitCode !== null || service.child.signalCode !== null)
        return service.child.exitCode;
    const exited = once(service.child, 'exit');
    service.child.kill(signal);
    const [code] = (await exited);
    return code;
}
//# sourceMappingURL=service-process.js.map