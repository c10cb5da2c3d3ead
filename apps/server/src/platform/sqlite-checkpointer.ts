import { Worker } from 'node:worker_threads';
import type { CheckpointWorkerData, CheckpointerMessage } from './sqlite-checkpoint-worker.ts';

/** What the checkpointer needs of the connection that writes. */
export interface CheckpointedWriter {
  /**
   * Runs a PASSIVE checkpoint on the writer's own connection, between two of its statements:
   * the log has grown past `walResetBytes` because the writer never paused for the background
   * checkpoint to catch up. Little is left to copy, and afterwards SQLite starts the log over.
   */
  catchUp(): Promise<void>;
  /** The background checkpointer failed; the writer must checkpoint by itself again. */
  fail(error: Error): void;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop.
 *
 * In WAL mode with `synchronous = NORMAL` a commit does not fsync; a checkpoint does — twice —
 * and by default the connection that commits the 1000th page runs it inline. On this kind of
 * machine that stalled every request behind it for about 7 ms, several times a second under
 * load. Instead, the server's connection turns automatic checkpoints off and a worker thread
 * with its own connection runs a PASSIVE checkpoint every `intervalMs`, which waits for no
 * reader or writer. When the writer never pauses, that alone lets the log grow for ever (see
 * the worker), so past `walResetBytes` the writer checkpoints once itself. Should the worker ever
 * fail, the writer is told (the driver turns automatic checkpoints back on).
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #stopping = false;
  #failed = false;

  constructor(data: CheckpointWorkerData, writer: CheckpointedWriter) {
    const fail = (error: Error) => {
      if (this.#stopping || this.#failed) return;
      this.#failed = true;
      writer.fail(error);
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
    this.#worker.on('message', (message: CheckpointerMessage) => {
      if (message !== 'backlog') return;
      writer.catchUp().then(
        () => {
          if (!this.#stopping) this.#worker.postMessage('resume' satisfies CheckpointerMessage);
        },
        (error: unknown) => {
          fail(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Lets the worker finish its checkpoint, close its connection and exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // Waiting for it must keep the process alive until it has gone.
    this.#worker.ref();
    this.#worker.postMessage('stop' satisfies CheckpointerMessage);
    await this.#exited;
  }
}
