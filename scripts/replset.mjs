#!/usr/bin/env node
// A local one-node MongoDB replica set from the mongod `npm run mongod:fetch` fetched (or
// MONGOMS_SYSTEM_BINARY): started, initiated on first use, and its MONGODB_URI printed; Ctrl-C
// (or SIGTERM) stops mongod cleanly. Its data stays in .dev/replset between runs.
//
//   npm run mongod:replset                # then, in another terminal:
//   MONGODB_URI='mongodb://127.0.0.1:27017/?replicaSet=rs0' npm start
//
// Options: --port <n> (default 27017), --dbpath <dir> (default .dev/replset). No Docker, no
// mongosh. Plain JavaScript, like fetch-mongod.mjs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
};
const port = Number(option('port', '27017'));
const dbPath = resolve(option('dbpath', join(root, '.dev', 'replset')));
const setName = 'rs0';

function fail(message) {
  console.error(`mongod:replset: ${message}`);
  process.exit(1);
}

const pin = JSON.parse(readFileSync(join(root, 'scripts', 'mongod-pin.json'), 'utf8'));
const binary = process.env.MONGOMS_SYSTEM_BINARY || join(root, '.cache', 'mongod', pin.mongodVersion, 'mongod');
if (!existsSync(binary)) fail(`no mongod at ${binary}: run \`npm run mongod:fetch\` first (or set MONGOMS_SYSTEM_BINARY)`);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port must be a port number');
mkdirSync(dbPath, { recursive: true });

const mongod = spawn(binary, ['--replSet', setName, '--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
let stopping = false;
let serving = false;
let uri = '';
mongod.on('exit', (code, signal) => {
  if (stopping) process.exit(0);
  // Said on the first line, whatever mongod logged: a service using this set has lost its database.
  const last = output.split('\n').filter(Boolean).slice(-3).join('\n');
  const why = /Address already in use/.test(output) ? `: port ${port} is in use, choose another with --port` : `; its last log lines:\n${last}`;
  fail(`mongod exited (${signal ?? `code ${code}`}) ${serving ? `while serving MONGODB_URI=${uri}: services using it have lost their database` : 'before it was ready'}${why}`);
});
const ready = new Promise((resolveReady) => {
  mongod.stdout.on('data', (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
    if (output.includes('Waiting for connections')) resolveReady();
  });
});
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('mongod:replset: stopping mongod');
  mongod.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('mongod did not start in 30 s')), 30_000).unref())]).catch((error) => {
  stop();
  fail(error.message);
});

// Initiated once; later runs find the set's configuration in the data folder.
const host = `127.0.0.1:${port}`;
const client = await MongoClient.connect(`mongodb://${host}/?directConnection=true`);
try {
  await client.db('admin').command({ replSetInitiate: { _id: setName, members: [{ _id: 0, host }] } }).catch((error) => {
    if (error.codeName !== 'AlreadyInitialized') throw error;
  });
  for (let waited = 0; !(await client.db('admin').command({ hello: 1 })).isWritablePrimary; waited += 200) {
    if (waited > 30_000) throw new Error('no primary after 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
} catch (error) {
  stop();
  fail(error.message);
} finally {
  await client.close();
}
uri = `mongodb://${host}/?replicaSet=${setName}`;
serving = true;
console.log(`MONGODB_URI=${uri}`);
console.log(`mongod:replset: ready (data in ${dbPath}); Ctrl-C stops it`);
