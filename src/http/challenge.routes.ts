// GET /challenge/altcha: a fresh ALTCHA challenge for the widget (its `challengeurl`), when
// CHALLENGE=altcha. Making one costs a random draw and an HMAC, nothing stored: there is
// nothing here for a flood to fill.
import type { FastifyInstance } from 'fastify';
import { ALTCHA_PATH, AltchaChallenge } from '../edge/challenge/altcha.js';
import type { Challenge } from '../edge/challenge/challenge.js';

export function registerChallengeRoutes(fastify: FastifyInstance, challenge: Challenge | null): void {
  if (!(challenge instanceof AltchaChallenge)) return;
  fastify.get(ALTCHA_PATH, async (_request, reply) => reply.header('cache-control', 'no-store').send(await challenge.issue()));
}
