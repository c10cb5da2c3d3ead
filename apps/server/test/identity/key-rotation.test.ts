import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { decodeProtectedHeader } from 'jose';

import { buildApp, type App } from '../../src/app.ts';
import { rotateSigningKeys } from '../../src/identity/signing-keys.ts';
import { SigningKeysRepository } from '../../src/identity/signing-keys.repository.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { startListeningApp, type ListeningApp } from './browser.ts';

describe('signing key rotation across two instances on one database', () => {
  const reloadIntervalMs = 100;
  let first: ListeningApp;
  let second: App;
  let client: { client_id: string; client_secret: string };

  before(async () => {
    first = await startListeningApp({ identity: { keyReloadIntervalMs: reloadIntervalMs } });
    // A second instance: same configuration, same database, its own process state.
    second = await buildApp(first.config, {
      db: createDatabase(first.config.database),
      identity: { keyReloadIntervalMs: reloadIntervalMs },
    });
    client = await first.app.identity.clients.create('rotation probe', 'take:exams');
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  const basic = () =>
    `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  const host = () => new URL(first.baseUrl).host;

  /** A client-credentials token issued by one instance (over HTTP, or in process). */
  const tokenFrom = async (instance: 'first' | 'second'): Promise<string> => {
    const request = {
      method: 'POST' as const,
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    };
    if (instance === 'first') {
      const response = await fetch(`${first.baseUrl}/oidc/token`, request);
      assert.equal(response.status, 200);
      return ((await response.json()) as { access_token: string }).access_token;
    }
    const response = await second.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: { ...request.headers, host: host() },
      payload: request.body,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ access_token: string }>().access_token;
  };

  const statusAt = async (instance: 'first' | 'second', token: string): Promise<number> => {
    if (instance === 'first') {
      const response = await fetch(`${first.baseUrl}/api/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.body?.cancel();
      return response.status;
    }
    const response = await second.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    return response.statusCode;
  };

  it('never answers 401 while a key is rotated under continuous traffic', async () => {
    const oldKid = decodeProtectedHeader(await tokenFrom('first')).kid;
    const earlyToken = await tokenFrom('second');
    const failures: string[] = [];
    const kidsSeen = new Set<string>();
    const control = { stop: false };
    const otherOf = (issuer: 'first' | 'second') => (issuer === 'first' ? 'second' : 'first');

    const traffic = (async () => {
      while (!control.stop) {
        for (const issuer of ['first', 'second'] as const) {
          const token = await tokenFrom(issuer);
          kidsSeen.add(String(decodeProtectedHeader(token).kid));
          for (const verifier of ['first', 'second'] as const) {
            const status = await statusAt(verifier, token);
            if (status !== 200) failures.push(`${issuer}→${verifier}: ${status}`);
          }
          // Tokens signed before the rotation stay valid until they expire.
          const early = await statusAt(otherOf(issuer), earlyToken);
          if (early !== 200) failures.push(`early token at ${issuer}: ${early}`);
        }
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await rotateSigningKeys(new SigningKeysRepository(first.app.db), {
      activationDelayMs: 4 * reloadIntervalMs,
      reloadIntervalMs,
    });
    assert.deepEqual(
      result.retired.map((key) => key.kid),
      [oldKid],
    );
    // Run until both instances sign with the new key, and a little longer.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const [a, b] = [await tokenFrom('first'), await tokenFrom('second')];
      if (
        decodeProtectedHeader(a).kid === result.kid &&
        decodeProtectedHeader(b).kid === result.kid
      ) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    control.stop = true;
    await traffic;

    assert.deepEqual(failures, []);
    assert.ok(kidsSeen.has(String(oldKid)) && kidsSeen.has(result.kid), [...kidsSeen].join());

    // After the rotation: a token signed by one instance verifies at the other.
    const fresh = await tokenFrom('first');
    assert.equal(decodeProtectedHeader(fresh).kid, result.kid);
    assert.equal(await statusAt('second', fresh), 200);

    // The retired key is still published, the new one too.
    const jwks = (await (await fetch(`${first.baseUrl}/oidc/jwks`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    assert.deepEqual(new Set(jwks.keys.map((key) => key.kid)), new Set([oldKid, result.kid]));
    assert.ok(
      jwks.keys.every((key) => key.d === undefined),
      'no private key material',
    );
  });
});
