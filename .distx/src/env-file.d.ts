/** The variables .env set (none when there is no .env). */
export declare const fromEnvFile: readonly string[];
