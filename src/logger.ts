// One pino logger for the process. Secrets are redacted by path so a careless log call
// cannot leak them; codes are never passed to a logger outside the development log mailer.
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'config.otp.secret',
  'config.mail.sendgridApiKey',
  'config.verificationToken.signingKey',
  'config.verificationToken.previousKeys',
  'config.metricsToken',
  'otp.secret',
  'mail.sendgridApiKey',
  'verificationToken',
  '*.verificationToken',
  'req.headers.authorization',
  'codeHash',
  'sealedCode',
  '*.codeHash',
  '*.sealedCode',
];

/** What the logger needs of the configuration (taken by shape, so that this file imports nothing of ours). */
export interface LoggerSettings {
  logLevel: pino.LevelWithSilentOrString;
  nodeEnv: string;
}

export function createLogger(config: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (!destination && config.nodeEnv === 'development' && process.stdout.isTTY) {
    // Pretty output only for a person at a terminal; anything piped stays JSON.
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return destination ? pino(options, destination) : pino(options);
}
