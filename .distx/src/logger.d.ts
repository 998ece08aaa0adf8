import { pino, type Logger } from 'pino';
export type { Logger };
export declare const REDACT_PATHS: string[];
/** What the logger needs of the configuration (taken by shape, so that this file imports nothing of ours). */
export interface LoggerSettings {
    logLevel: pino.LevelWithSilentOrString;
    nodeEnv: string;
}
export declare function createLogger(config: LoggerSettings, destination?: pino.DestinationStream): Logger;
