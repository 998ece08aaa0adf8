// The checkpoints role of the store: where a feed resumes after a restart (the dispatcher's
// change-stream position), kept under a name.

export interface Checkpoints {
  loadCheckpoint(name: string): Promise<string | null>;

  saveCheckpoint(name: string, token: string): Promise<void>;
}
