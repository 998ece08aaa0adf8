// The checkpoints role on MongoDB: one document per feed name holding its resume token.
import type { Collection } from 'mongodb';
import type { Checkpoints } from '../checkpoints.js';

export interface CheckpointDocument {
  _id: string;
  token: string;
  updatedAt: Date;
}

export class MongoCheckpoints implements Checkpoints {
  constructor(private readonly checkpoints: Collection<CheckpointDocument>) {}

  async loadCheckpoint(name: string): Promise<string | null> {
    return (await this.checkpoints.findOne({ _id: name }))?.token ?? null;
  }

  async saveCheckpoint(name: string, token: string): Promise<void> {
    // $max keeps the furthest position when several replicas save under one name: resume
    // tokens compare in stream order as strings.
    await this.checkpoints.updateOne({ _id: name }, { $max: { token }, $set: { updatedAt: new Date() } }, { upsert: true });
  }
}
