/*
 * The SQLite checkpointer's thread (see sqlite-checkpointer.ts): its own connection to the
 * database file, copying the write-ahead log back into the database every `intervalMs` with a
 * PASSIVE checkpoint, which never blocks the server's reads or writes. The fsyncs a checkpoint
 * needs happen here instead of on the server's event loop.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  readonly file: string;
  readonly intervalMs: number;
  readonly busyTimeoutMs: number;
}

const { file, intervalMs, busyTimeoutMs } = workerData as CheckpointWorkerData;
const database = new DatabaseSync(file, { timeout: busyTimeoutMs });
database.exec('PRAGMA synchronous = NORMAL');
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  checkpoint.get();
}, intervalMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  parentPort?.close();
});
