// Builds the executable schema from the decorated classes, and prints it as SDL for
// schema/schema.graphql (the file clients generate from; a test keeps it in step).
import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { OtpResolver } from './otp.resolver.js';

export async function buildOtpSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [OtpResolver],
    // Input rules are the service's (otp/otp.input.ts), applied once; see otp.inputs.ts.
    validate: false,
  });
}

export async function printOtpSchema(): Promise<string> {
  return `${printSchema(await buildOtpSchema())}\n`;
}
