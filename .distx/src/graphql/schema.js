// Builds the executable schema from the decorated classes, and prints it as SDL for
// schema/schema.graphql (the file clients generate from; a test keeps it in step).
import 'reflect-metadata';
import { printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { DeliveryResolver } from './delivery.resolver.js';
import { OtpResolver } from './otp.resolver.js';
export async function buildOtpSchema() {
    return buildSchema({
        resolvers: [OtpResolver, DeliveryResolver],
        // Input rules are the service's (otp/otp.input.ts), applied once; see otp.inputs.ts.
        validate: false,
        // type-graphql insists on a PubSub once there is a subscription, though ours brings its own
        // source (delivery/delivery-status.ts watches the store's feed); topics are never used.
        pubSub: {
            publish: () => {
                throw new Error('no topics: subscriptions here bring their own source');
            },
            subscribe: () => {
                throw new Error('no topics: subscriptions here bring their own source');
            },
        },
    });
}
export async function printOtpSchema() {
    return `${printSchema(await buildOtpSchema())}\n`;
}
//# sourceMappingURL=schema.js.map