// One pino logger for the process. Secrets are redacted by path so a careless log call
// cannot leak them; codes are never passed to a logger outside the development log mailer.
import { pino } from 'pino';
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
export function createLogger(config, destination) {
    const options = {
        level: config.logLevel,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    };
    if (!destination && config.nodeEnv === 'development' && process.stdout.isTTY) {
        // Pretty output only for a person at a terminal; anything piped stays JSON.
        return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
    }
    return destination ? pino(options, destination) : pino(options);
}
//# sourceMappingURL=logger.js.map