/*
 * The web app's cookies when PUBLIC_URL is https: `__Host-` prefixed (Secure, Path=/, no
 * Domain), HttpOnly for the session, SameSite=Lax. The whole sign-in runs through app.inject
 * (no TLS listener needed): the BFF reaches the embedded issuer in process anyway.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { createTestApp, type TestApp } from '../../support/app.ts';
import { createAccount, TEST_PASSWORD } from '../../support/auth.ts';

const PUBLIC_URL = 'https://assay.example';

interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly path?: string;
  readonly domain?: string;
  readonly secure?: boolean;
  readonly httpOnly?: boolean;
  readonly sameSite?: string;
  readonly maxAge?: number;
}

describe('BFF cookies over https', () => {
  let testApp: TestApp;
  const jar = new Map<string, string>();
  const seen = new Map<string, Cookie>();

  before(async () => {
    testApp = await createTestApp({ env: { PUBLIC_URL } });
  });
  after(() => testApp.close());

  const send = async (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse> => {
    const target = new URL(url, PUBLIC_URL);
    assert.equal(target.origin, PUBLIC_URL, `stays on ${PUBLIC_URL}: ${url}`);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await testApp.app.inject({
      method,
      url: `${target.pathname}${target.search}`,
      headers: {
        host: target.host,
        ...(cookie === '' ? {} : { cookie }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    for (const set of response.cookies as Cookie[]) {
      if (set.value === '' || set.maxAge === 0) jar.delete(set.name);
      else jar.set(set.name, set.value);
      seen.set(set.name, set);
    }
    return response;
  };

  /** Follows redirects from `url` until a non-redirect or a page of the web app. */
  const follow = async (url: string): Promise<string> => {
    let current = url;
    for (let hop = 0; hop < 10; hop++) {
      const response = await send('GET', current);
      const location = response.headers.location;
      if (response.statusCode < 300 || response.statusCode >= 400 || location === undefined) {
        return current;
      }
      current = new URL(location, new URL(current, PUBLIC_URL)).href;
      if (new URL(current).pathname.startsWith('/interaction/')) return current;
    }
    throw new Error(`Too many redirects from ${url}`);
  };

  it('signs in with __Host- cookies: Secure, Path=/, no Domain; the session HttpOnly', async () => {
    const account = await createAccount(testApp.app);
    const page = await follow('/bff/login?returnTo=/history');
    const uid = /\/interaction\/([^/?]+)$/.exec(page)?.[1];
    assert.ok(uid, page);
    const login = await send('POST', `/interaction/${uid}/login`, {
      login: account.username,
      password: TEST_PASSWORD,
    });
    assert.equal(login.statusCode, 200, login.body);
    const landed = await follow(login.json<{ redirectTo: string }>().redirectTo);
    assert.equal(landed, `${PUBLIC_URL}/history`);

    for (const [name, httpOnly] of [
      ['__Host-assay_login', true],
      ['__Host-assay_session', true],
      ['XSRF-TOKEN', false],
    ] as const) {
      const cookie = seen.get(name);
      assert.ok(cookie, `${name} was set (saw ${[...seen.keys()].join(', ')})`);
      assert.equal(cookie.secure, true, name);
      assert.equal(cookie.path, '/', name);
      assert.equal(cookie.domain, undefined, name);
      assert.equal(cookie.httpOnly ?? false, httpOnly, name);
      assert.equal(String(cookie.sameSite).toLowerCase(), 'lax', name);
    }
    assert.ok(!seen.has('assay_session'), 'no unprefixed session cookie over https');

    const user = await send('GET', '/bff/user');
    assert.equal(user.statusCode, 200, user.body);
    assert.equal(user.json<{ subject: string }>().subject, account.id);
  });
});
