// The process entry point: read .env and the environment, start (tracing first, when configured), and shut down cleanly on
// SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_SECONDS.
import 'reflect-metadata';
// In this order: .env first (it may configure tracing), then tracing, before what it instruments.
import { fromEnvFile } from './env-file.js';
import { telemetry } from './telemetry/register.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp, type App } from './app.js';
import { createLogger } from './logger.js';
import { StoreStartError } from './store/create-store.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/** The configuration, or null when it is invalid (said in one JSON line; the process then exits 1). */
function readConfig(): Config | null {
  // `npm run worker` passes --role=worker: the same as ROLE=worker, and it wins over ROLE.
  const role = process.argv.find((arg) => arg.startsWith('--role='));
  if (role) process.env.ROLE = role.slice('--role='.length);
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One JSON line like the rest of the log (the configured logger does not exist yet),
      // naming each variable and what it must be.
      const logger = createLogger({ logLevel: 'info', nodeEnv: 'production' });
      const variables = error.problems.map((problem) => problem.split(':')[0]);
      const envFile = fromEnvFile.length > 0 ? ` (read from ${resolve('.env')}: ${fromEnvFile.join(', ')})` : '';
      logger.fatal(
        { variables, problems: error.problems, ...(fromEnvFile.length > 0 ? { fromEnvFile } : {}) },
        `start-up abandoned: invalid configuration: ${error.problems.join('; ')}${envFile}`,
      );
      logger.flush(() => process.exit(1));
      return null;
    }
    throw error;
  }
}

/** The port or host could not be bound: which variable to change, and to what. */
function listenFailure(error: unknown, config: Config): { message: string; details: Record<string, unknown> } | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const details = { code, port: config.port, host: config.host };
  if (code === 'EADDRINUSE') {
    return { message: `PORT ${config.port} is already in use on ${config.host}; stop what holds it, or set PORT to a free port`, details: { variable: 'PORT', ...details } };
  }
  if (code === 'EACCES') {
    return { message: `PORT ${config.port} needs privileges this process lacks; set PORT to 1024 or above`, details: { variable: 'PORT', ...details } };
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return { message: `HOST ${config.host} is not an address of this machine; set HOST (0.0.0.0 listens on all)`, details: { variable: 'HOST', ...details } };
  }
  return null;
}

async function main(): Promise<void> {
  const config = readConfig();
  if (!config) return;
  const logger = createLogger(config);
  // Exit only once pino has written everything: an in-flight asynchronous write could
  // otherwise be lost or land after a later line.
  const exit = (code: number) => logger.flush(() => process.exit(code));

  if (config.developmentByDefault) {
    logger.warn(
      { variable: 'NODE_ENV' },
      'NODE_ENV is not set and nothing is configured for a deployment: running as development, with built-in secrets and the log mailer; set NODE_ENV=production to deploy',
    );
  }

  let app: App;
  try {
    app = await createApp(config, { logger });
    await app.start();
  } catch (error) {
    // One JSON line like every other, naming what failed and what to do; never a stack of
    // driver internals, and never a connection string (it may hold a password).
    const listenProblem = listenFailure(error, config);
    if (error instanceof StoreStartError) logger.fatal(error.details, `start-up abandoned: ${error.message}`);
    else if (listenProblem) logger.fatal(listenProblem.details, `start-up abandoned: ${listenProblem.message}`);
    else logger.fatal({ err: error }, `start-up abandoned: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
    return;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal, timeoutSeconds: config.shutdownTimeoutSeconds }, 'shutting down');
    const deadline = setTimeout(() => {
      app.logger.error('shutdown did not finish in time; exiting anyway (unsent emails stay pending for the sweep)');
      exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    deadline.unref();
    try {
      await app.close();
      await telemetry?.shutdown(); // the last spans exported
      exit(0);
    } catch (err) {
      app.logger.error({ err }, 'shutdown failed');
      exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // New merchants and rotated keys without a restart (MERCHANTS_FILE, checked whole first).
  process.on('SIGHUP', () => app.reloadMerchants());
  stopWithNpm(() => void shutdown('npm start exited'));
}

/**
 * Under `npm start`, npm is this process's parent: killed outright (SIGKILL, a closed terminal
 * that npm does not pass on), it leaves this process serving, orphaned, holding the port. So,
 * only when npm started it, a parent that goes away stops the service as SIGTERM would. Not
 * otherwise: under Docker, systemd or a shell script the parent is the supervisor's business.
 */
function stopWithNpm(stop: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const npm = npmProcess();
  setInterval(() => {
    try {
      process.kill(npm, 0); // still there
    } catch {
      stop();
    }
  }, 1_000).unref();
}

/** npm's pid: the parent, or the grandparent when npm ran the script through `sh -c` (it does). */
function npmProcess(): number {
  try {
    const parentArgs = readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').split('\0');
    if (/(^|\/)(sh|bash|dash)$/.test(parentArgs[0] ?? '') && parentArgs[1] === '-c') {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its ')'.
      const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    }
  } catch {
    // No /proc (not Linux): the parent is all we know.
  }
  return process.ppid;
}

main().catch((err: unknown) => {
  console.error('otp-graphql failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
