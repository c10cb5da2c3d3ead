/*
 * The SQLite checkpointer's thread (see sqlite-checkpointer.ts): its own connection to the
 * database file, copying the write-ahead log back into the database every `intervalMs` with a
 * PASSIVE checkpoint, which never blocks the server's reads or writes. The fsyncs a checkpoint
 * needs happen here instead of on the server's event loop.
 */
import { statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  readonly file: string;
  readonly intervalMs: number;
  readonly busyTimeoutMs: number;
  /** Past this size of the log, the writer is asked to let it start over ('backlog'). */
  readonly walResetBytes: number;
}

/** Messages between the checkpointer and its thread. */
export type CheckpointerMessage = 'backlog' | 'resume' | 'stop';

const { file, intervalMs, busyTimeoutMs, walResetBytes } = workerData as CheckpointWorkerData;
const database = new DatabaseSync(file, { timeout: busyTimeoutMs });
database.exec('PRAGMA synchronous = NORMAL');
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let waiting = false;

const timer = setInterval(() => {
  if (waiting) return;
  checkpoint.get();
  // While the writer never pauses, the log is never all copied when the next write begins, so
  // SQLite never starts it over and it keeps growing. The writer's own checkpoint, between two
  // of its writes, completes; it has little left to copy after this one.
  const walBytes = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (walBytes > walResetBytes) {
    waiting = true;
    parentPort?.postMessage('backlog' satisfies CheckpointerMessage);
  }
}, intervalMs);

parentPort?.on('message', (message: CheckpointerMessage) => {
  if (message === 'resume') waiting = false;
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  parentPort?.close();
});
