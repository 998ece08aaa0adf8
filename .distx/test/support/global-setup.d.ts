import type { TestProject } from 'vitest/node';
declare module 'vitest' {
    interface ProvidedContext {
        mongo: {
            uri: string;
            source: string;
        } | {
            skip: string;
        };
    }
}
/**
 * The embedded replica set's server settings: the TTL monitor every second (instead of 60) so
 * its deletions can be observed, and test commands so fault tests can use fail points.
 */
export declare const TEST_MONGOD_ARGS: string[];
export default function setup(project: TestProject): Promise<() => Promise<void>>;
