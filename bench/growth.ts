// Cost as the data grows (issue 25): the service's collection filled with stored addresses,
// each like a real one (its live code, its windows), and what its indexes then weigh.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Db, Document } from 'mongodb';
import { STATE_COLLECTION } from '../src/store/mongo.store.js';

const BATCH = 5_000;

/**
 * Adds copies of a real address document (one the service wrote: its code sent, its send
 * window open) until the collection holds `count` addresses. The copies get their own
 * address and code id, live for two hours (past any run), and no `lastIssued`, so the
 * dispatchers' feed does not take them for new codes.
 */
export async function growTo(db: Db, count: number): Promise<{ addresses: number; seconds: number }> {
  const started = Date.now();
  const collection = db.collection(STATE_COLLECTION);
  const addresses = () => collection.countDocuments({ _id: { $type: 'string' } });
  const template = await collection.findOne({ _id: { $type: 'string' }, 'slots.delivery.state': 'sent' });
  if (!template) throw new Error('no address with a sent code to copy');
  const { lastIssued: _lastIssued, _id: _address, ...shape } = template as Document;
  const until = new Date(Date.now() + 2 * 3600 * 1000);
  let missing = count - (await addresses());
  for (let batch = 0; missing > 0; batch++) {
    const size = Math.min(BATCH, missing);
    const docs = Array.from({ length: size }, (_, i) => ({
      ...shape,
      _id: `stored-${batch}-${i}-${randomUUID().slice(0, 8)}@grow.example`,
      slots: (shape.slots as Document[]).map((slot) => ({ ...slot, codeId: randomUUID(), expiresAt: until })),
      expiresAt: until,
    }));
    await collection.insertMany(docs as never[], { ordered: false });
    missing -= size;
  }
  return { addresses: await addresses(), seconds: Math.round((Date.now() - started) / 1000) };
}

/** The collection's documents, data and index sizes in MB, from $collStats. */
export async function indexSizes(db: Db): Promise<{ documents: number; dataMb: number; indexesMb: Record<string, number>; totalIndexMb: number }> {
  const [stats] = await db.collection(STATE_COLLECTION).aggregate<{ storageStats: { count: number; size: number; indexSizes: Record<string, number>; totalIndexSize: number } }>([{ $collStats: { storageStats: {} } }]).toArray();
  const s = stats!.storageStats;
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;
  return { documents: s.count, dataMb: mb(s.size), indexesMb: Object.fromEntries(Object.entries(s.indexSizes).map(([name, bytes]) => [name, mb(bytes)])), totalIndexMb: mb(s.totalIndexSize) };
}

/** The pid of the mongod listening on the URI's port (read from /proc), for its CPU time. */
export function mongodPid(uri: string): number | null {
  const port = /:(\d+)\//.exec(uri)?.[1];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('mongod') && args.includes(port ?? '')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}
