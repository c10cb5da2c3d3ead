/*
 * Two instances on one database (as behind a load balancer) and one web session whose access
 * token is due for a refresh: parallel requests on both must refresh it exactly once. Refresh
 * tokens rotate, and presenting a rotated one revokes the grant, so a second refresh would sign
 * the user out. Real embedded provider, real token signing, real database of the engine under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createTestApp, type TestApp } from '../../support/app.ts';
import { Browser, signUp, startListeningApp, type ListeningApp } from '../support/browser.ts';

describe('web session refresh across two instances', () => {
  let first: ListeningApp;
  let second: TestApp;
  // Both instances' session clock; the provider and the API keep real time.
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;

  before(async () => {
    first = await startListeningApp({ identity: { now } });
    second = await createTestApp({
      env: { PUBLIC_URL: first.baseUrl, DATABASE_URL: first.database.url },
      identity: { now },
    });
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  async function refreshTokens() {
    const rows = await first.app.db
      .selectFrom('oidc_payloads')
      .select(['grant_id', 'consumed_at'])
      .where('model', '=', 'RefreshToken')
      .execute();
    return {
      total: rows.length,
      consumed: rows.filter((row) => row.consumed_at !== null).length,
      grants: new Set(rows.map((row) => row.grant_id)).size,
    };
  }

  it('refreshes once for 8 parallel requests on two instances; the session survives', async () => {
    const browser = new Browser(first.baseUrl);
    await signUp(browser, {
      username: 'grace',
      email: 'grace@example.org',
      displayName: 'Grace Hopper',
      password: 'compilers all the way down',
    });
    const cookie = `assay_session=${browser.cookie('assay_session') ?? ''}`;
    assert.deepEqual(await refreshTokens(), { total: 1, consumed: 0, grants: 1 });

    const accessTokenSeconds = 600;
    // Seconds left on the access token when the requests arrive: inside the refresh window
    // (the waiting requests may use the old token), nearly gone, and past (they must wait).
    const rounds = [30, 2, -60, 30, 2, -60];
    let issuedAt = Date.now();
    for (const [round, secondsLeft] of rounds.entries()) {
      offsetMs = issuedAt + (accessTokenSeconds - secondsLeft) * 1000 - Date.now();
      const requests = Array.from({ length: 8 }, async (_, index) => {
        if (index % 2 === 0) {
          const response = await fetch(`${first.baseUrl}/api/me`, { headers: { cookie } });
          return response.status;
        }
        const response = await second.app.inject({ url: '/api/me', headers: { cookie } });
        return response.statusCode;
      });
      const started = Date.now();
      const statuses = await Promise.all(requests);
      issuedAt = started + offsetMs;
      offsetMs = 0;
      assert.deepEqual(statuses, Array(8).fill(200), `round ${round} (${secondsLeft} s left)`);
      assert.deepEqual(
        await refreshTokens(),
        { total: round + 2, consumed: round + 1, grants: 1 },
        `round ${round}: exactly one rotation`,
      );
      const session = await first.app.db
        .selectFrom('bff_sessions')
        .select(['refresh_lease_until'])
        .executeTakeFirst();
      assert.deepEqual(session, { refresh_lease_until: null }, 'the session lives, lease ended');
    }
    // Both instances still serve the session, with the refreshed token.
    assert.equal((await fetch(`${first.baseUrl}/bff/user`, { headers: { cookie } })).status, 200);
    assert.equal(
      (await second.app.inject({ url: '/bff/user', headers: { cookie } })).statusCode,
      200,
    );
  });
});
