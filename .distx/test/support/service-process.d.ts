import { type ChildProcessWithoutNullStreams } from 'node:child_process';
export interface ServiceProcess {
    child: ChildProcessWithoutNullStreams;
    /** stdout lines (pino's JSON). */
    lines: string[];
    stderr: string[];
}
/** `env` over this process's environment (NODE_ENV development unless given); a name given as undefined is left out. */
export declare function startService(env: Record<string, string | undefined>, cwd?: string): ServiceProcess;
export declare function waitForLine(lines: string[], pattern: RegExp, timeoutMs?: number): Promise<string>;
/** Starts the service and waits until it serves; resolves to it with its GraphQL URL. */
export declare function serve(env: Record<string, string>): Promise<ServiceProcess & {
    url: string;
}>;
/** Ends the process (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it. */
export declare function stopService(service: ServiceProcess, signal?: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
