import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
export type PlaygroundMode = 'graphiql' | 'apollo' | 'off';
export declare const PLAYGROUND_ASSET_PATH = "/playground";
/** The Apollo plugin that renders the chosen landing page. */
export declare function playgroundPlugin(mode: PlaygroundMode, endpoint: string): ApolloServerPlugin;
/** Whether GraphiQL's files are installed: they are development dependencies, absent from the production image. */
export declare function playgroundAssetsInstalled(): boolean;
/** Serves GraphiQL's and React's browser builds from node_modules (offline mode only). */
export declare function registerPlaygroundAssets(fastify: FastifyInstance): void;
