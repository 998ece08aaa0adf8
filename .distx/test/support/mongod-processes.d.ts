/** A port free on 127.0.0.1 now: taken, then let go (nothing listens on it afterwards). */
export declare function freePort(): Promise<number>;
export declare function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T>;
export declare class MongodNode {
    readonly binary: string;
    readonly setName: string;
    readonly port: number;
    readonly dbPath: string;
    private process;
    constructor(binary: string, setName: string, port: number, dbPath: string);
    get host(): string;
    get running(): boolean;
    /** Starts (or restarts, on the same port and data) and waits until it takes connections. */
    start(): Promise<void>;
    /** SIGSTOP: the process is frozen (its sockets stay open, nothing answers); SIGCONT thaws it. */
    freeze(): void;
    thaw(): void;
    /** SIGTERM (a clean shutdown) or SIGKILL; waits for the process to end. */
    stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}
export declare class ReplicaSet {
    readonly name: string;
    readonly nodes: MongodNode[];
    private readonly root;
    private constructor();
    /** Starts `size` nodes and initiates them as one set (fast elections: 2-s timeout). */
    static start(binary: string, size: number): Promise<ReplicaSet>;
    /** The connection string; `options` are added to it (e.g. serverSelectionTimeoutMS=2000). */
    uri(options?: string): string;
    /** The node that is primary now, waiting for an election if needed. */
    primary(timeoutMs?: number): Promise<MongodNode>;
    /** Asks the primary to step down (an election follows); returns the node that stepped down. */
    stepDown(): Promise<MongodNode>;
    close(): Promise<void>;
}
