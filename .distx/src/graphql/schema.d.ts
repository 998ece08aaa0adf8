import 'reflect-metadata';
import { type GraphQLSchema } from 'graphql';
export declare function buildOtpSchema(): Promise<GraphQLSchema>;
export declare function printOtpSchema(): Promise<string>;
