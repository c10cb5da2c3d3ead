import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { describe, it } from 'node:test';
import { createTestDatabase } from './support/database.ts';
import { runScript, startServer } from './support/processes.ts';
import { forSuite } from './support/suite.ts';

/**
 * Starts a request whose JSON body arrives in two parts: the server is busy with it until
 * `finish` sends the rest, which resolves with the response.
 */
function slowUpload(url: string) {
  const body = JSON.stringify({ answers: 'x'.repeat(10_000) });
  const request = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (incoming) => {
      let text = '';
      incoming.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      incoming.on('end', () => {
        resolve({ status: incoming.statusCode ?? 0, body: text });
      });
    });
    request.on('error', reject);
  });
  // The forced-exit test never finishes the request; its reset must not fail the test run.
  response.catch(() => undefined);
  request.write(body.slice(0, 100));
  return {
    finish: () => {
      request.end(body.slice(100));
      return response;
    },
    abort: () => request.destroy(),
  };
}

function canConnect(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(`${url}/healthz`, { agent: false }, (response) => {
        response.resume();
        resolve(true);
      })
      .on('error', () => {
        resolve(false);
      });
  });
}

/** Resolves once the child has written a line matching `pattern` to stdout. */
function printed(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (pattern.test(output)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
  });
}

describe('server.ts', () => {
  const database = forSuite(createTestDatabase, (created) => created.destroy());

  it('serves, then on SIGTERM finishes the in-flight response and exits 0', async () => {
    const server = await startServer(database);
    const health = await fetch(`${server.address}/healthz`);
    assert.equal(health.status, 200);

    const upload = slowUpload(`${server.address}/api/uploads`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const signalledAt = Date.now();
    const closing = printed(server.child, /Shutting down/);
    server.child.kill('SIGTERM');
    await closing;
    // Real sockets of a real child process: the listener closes a moment after the log line.
    while (await canConnect(server.address)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(server.child.exitCode, null, 'still running while a response is in flight');
    assert.equal(await canConnect(server.address), false, 'no new connections are accepted');

    const answer = await upload.finish();
    assert.equal(answer.status, 404, 'the in-flight request is answered (no such route yet)');
    assert.match(answer.body, /"code":"not_found"/);
    const result = await server.finished;
    assert.equal(result.code, 0);
    assert.ok(Date.now() - signalledAt < 5000);
    assert.match(result.stdout, /Shut down cleanly/);
  });

  it('forces exit 1 when in-flight requests outlast SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await startServer(database, { SHUTDOWN_TIMEOUT_MS: '500' });
    const upload = slowUpload(`${server.address}/api/uploads`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.child.kill('SIGTERM');
    const result = await server.finished;
    assert.equal(result.code, 1);
    assert.match(result.stdout, /did not finish in time/);
    upload.abort();
  });

  it('exits 1 at once on a second signal while requests are in flight', async () => {
    const server = await startServer(database);
    const upload = slowUpload(`${server.address}/api/uploads`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = printed(server.child, /Shutting down/);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await closing;
    server.child.kill('SIGTERM');
    const result = await server.finished;
    assert.equal(result.code, 1);
    assert.ok(Date.now() - signalledAt < 5000, 'long before the 10 s grace period');
    assert.match(result.stdout, /Second signal received/);
    upload.abort();
  });

  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const result = await runScript('server.ts', [], {
      PORT: 'eighty',
      LOG_LEVEL: 'chatty',
      DATABASE_URL: database.url,
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PORT: must be/);
    assert.match(result.stderr, /LOG_LEVEL: must be/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
