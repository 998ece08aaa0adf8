import type { FastifyInstance } from 'fastify';
import type { Challenge } from '../edge/challenge/challenge.js';
export declare function registerChallengeRoutes(fastify: FastifyInstance, challenge: Challenge | null): void;
