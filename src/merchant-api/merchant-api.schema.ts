// The merchant API's schema, apart from the public one: a frontend's generated client never
// sees it, and it is printed to schema/merchant.graphql for merchants' backends.
import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { MerchantApiResolver } from './merchant-api.resolver.js';

export function buildMerchantSchema(): Promise<GraphQLSchema> {
  // Input rules are the service's (merchant-api.service.ts), applied once.
  return buildSchema({ resolvers: [MerchantApiResolver], validate: false });
}

export async function printMerchantSchema(): Promise<string> {
  return `${printSchema(await buildMerchantSchema())}\n`;
}
