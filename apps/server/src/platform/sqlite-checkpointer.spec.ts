import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { BackgroundCheckpointer, type CheckpointedWriter } from './sqlite-checkpointer.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'assay-checkpointer-'));

/** A writer that never needs to catch up and records failures. */
function writerWith(failures: Error[]): CheckpointedWriter {
  return {
    catchUp: () => Promise.reject(new Error('not expected')),
    fail: (error) => failures.push(error),
  };
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the background SQLite checkpointer', () => {
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('copies the write-ahead log into the database while the writer does not', async () => {
    const file = path.join(folder, 'copies.db');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA wal_autocheckpoint = 0');
    db.exec('create table blobs (id integer primary key, body text not null)');
    const insert = db.prepare('insert into blobs (body) values (?)');
    for (let n = 0; n < 200; n++) insert.run('x'.repeat(4000));
    // Everything is still in the log: the database file has not grown.
    assert.ok(statSync(file).size < 100_000);

    const failures: Error[] = [];
    const checkpointer = new BackgroundCheckpointer(
      { file, intervalMs: 20, busyTimeoutMs: 1000, walResetBytes: 64 * 1024 * 1024 },
      writerWith(failures),
    );
    await eventually(() => statSync(file).size > 800_000);
    // The writer goes on writing meanwhile, and reads what it wrote.
    insert.run('after');
    assert.equal(db.prepare('select count(*) as n from blobs').get()?.['n'], 201);
    await checkpointer.stop();
    assert.deepEqual(failures, []);
    db.close();
  });

  it('reports a worker that cannot do its work, once', async () => {
    const failures: Error[] = [];
    const checkpointer = new BackgroundCheckpointer(
      {
        file: path.join(folder, 'missing', 'nowhere.db'),
        intervalMs: 20,
        busyTimeoutMs: 100,
        walResetBytes: 1024,
      },
      writerWith(failures),
    );
    await eventually(() => failures.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(failures.length, 1);
    await checkpointer.stop();
  });
});
