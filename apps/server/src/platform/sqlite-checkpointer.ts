import { Worker } from 'node:worker_threads';
import type { CheckpointWorkerData } from './sqlite-checkpoint-worker.ts';

/**
 * Moves SQLite's WAL checkpoints off the event loop.
 *
 * In WAL mode with `synchronous = NORMAL` a commit does not fsync; a checkpoint does — twice —
 * and by default the connection that commits the 1000th page runs it inline. On this kind of
 * machine that stalled every request behind it for about 7 ms, several times a second under
 * load. Instead, the server's connection turns automatic checkpoints off and a worker thread
 * with its own connection runs a PASSIVE checkpoint every `intervalMs`, which waits for no
 * reader or writer. Should the worker ever fail, `onFailure` runs (the driver turns automatic
 * checkpoints back on), so the log can never grow without bound.
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #stopping = false;
  #failed = false;

  constructor(data: CheckpointWorkerData, onFailure: (error: Error) => void) {
    const fail = (error: Error) => {
      if (this.#stopping || this.#failed) return;
      this.#failed = true;
      onFailure(error);
    };
    this.#worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
      workerData: data,
    });
    // Never what keeps a process alive: a CLI command exits when its work is done.
    this.#worker.unref();
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        fail(new Error(`The SQLite checkpointer exited (${String(code)})`));
        resolve();
      });
    });
    this.#worker.on('error', fail);
  }

  /** Lets the worker finish its checkpoint, close its connection and exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // Waiting for it must keep the process alive until it has gone.
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await this.#exited;
  }
}
