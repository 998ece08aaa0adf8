// The bench's second server process: the floor L and L0 (floor.ts) and the peer better-auth
// (peer.ts) on the service's mongod, apart from the service so that /proc tells each one's CPU.
import { MongoClient } from 'mongodb';
import { loadConfig } from '../src/config.js';
import { BENCH_ENV } from './settings.js';
import { startFloor } from './floor.js';
import { startPeer } from './peer.js';

const uri = process.env.BENCH_MONGODB_URI;
if (!uri) throw new Error('BENCH_MONGODB_URI is not set');
const client = await MongoClient.connect(uri);
const config = loadConfig(BENCH_ENV);
const floor = await startFloor(client, 'otp_floor', config);
const peer = await startPeer(client, 'better_auth_bench', BENCH_ENV.OTP_SECRET);
process.on('message', (message: { id: number; cmd: string }) => {
  if (message.cmd === 'urls') process.send?.({ id: message.id, result: { ...floor, peer } });
});
process.send?.({ id: 0, result: 'ready' });
