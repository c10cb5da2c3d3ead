/*
 * Sign-in and sign-up at the embedded provider, over real HTTP: unknown user and wrong password
 * look alike (answer and work), passwords of 8 to at least 64 characters, and the rate limits
 * per account and per client address. TRUST_PROXY is on so that each test can speak from its
 * own client addresses through X-Forwarded-For.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';

import type { ProblemDetails } from '@assay/contracts';

import { recordArgon2 } from '../support/argon2-calls.ts';
import { createAccount, TEST_PASSWORD } from '../../support/auth.ts';
import {
  Browser,
  openSignInPage,
  signIn,
  startListeningApp,
  type ListeningApp,
} from '../support/browser.ts';

function asProblem(body: unknown): ProblemDetails & { retryAfter?: number } {
  return body as ProblemDetails & { retryAfter?: number };
}

async function assertRateLimited(response: Response, maxSeconds: number): Promise<void> {
  assert.equal(response.status, 429, await response.clone().text());
  const problem = asProblem(await response.json());
  assert.equal(problem.code, 'rate_limited');
  assert.match(problem.detail, /^Too many attempts\. Try again in \d+ s\.$/);
  assert.ok(problem.retryAfter !== undefined && problem.retryAfter > 0);
  assert.ok(problem.retryAfter <= maxSeconds, String(problem.retryAfter));
  assert.equal(response.headers.get('retry-after'), String(problem.retryAfter));
  assert.equal(problem.detail, `Too many attempts. Try again in ${problem.retryAfter} s.`);
}

describe('sign-in and sign-up at the embedded provider', () => {
  let server: ListeningApp;

  before(async () => {
    server = await startListeningApp({ env: { TRUST_PROXY: 'true' } });
  });
  after(() => server.close());

  const from = (address: string) => ({ 'x-forwarded-for': address });

  describe('unknown user and wrong password', () => {
    it('get the same answer after the same argon2id work (a dummy hash for the unknown)', async (t) => {
      const known = await createAccount(server.app);
      const disabled = await createAccount(server.app, { disabled: true });
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser);
      const calls = recordArgon2(t);

      const outcomes = [];
      for (const [login, password] of [
        ['nobody-at-all', 'some password or other'],
        ['nobody@example.test', 'some password or other'],
        [known.username, 'not the right password'],
        [known.email.toUpperCase(), 'not the right password'],
        [disabled.username, 'not the right password'],
      ] as const) {
        calls.length = 0;
        const response = await browser.postJson(
          `/interaction/${uid}/login`,
          { login, password },
          from('192.0.2.10'),
        );
        const problem = asProblem(await response.json());
        outcomes.push({
          status: response.status,
          code: problem.code,
          title: problem.title,
          detail: problem.detail,
          keys: Object.keys(problem).sort(),
          work: [...calls],
        });
      }
      const [first, ...rest] = outcomes;
      assert.ok(first);
      assert.equal(first.status, 401);
      assert.equal(first.code, 'invalid_credentials');
      assert.deepEqual(first.work, [
        {
          algorithm: 'argon2id',
          memory: 19_456,
          passes: 2,
          parallelism: 1,
          tagLength: 32,
          nonceLength: 16,
        },
      ]);
      for (const outcome of rest) assert.deepEqual(outcome, first);

      // The control: the right password costs the same one derivation.
      calls.length = 0;
      const right = await browser.postJson(
        `/interaction/${uid}/login`,
        { login: known.username, password: TEST_PASSWORD },
        from('192.0.2.10'),
      );
      assert.equal(right.status, 200);
      assert.deepEqual(calls, first.work);
    });
  });

  describe('passwords', () => {
    it('accepts 8 to at least 64 characters with no composition rules, and refuses common ones', async () => {
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser, '?signup=1');
      const signup = (password: string, name = 'pw-probe') =>
        browser.postJson(
          `/interaction/${uid}/signup`,
          { username: name, email: `${name}@example.org`, displayName: 'Probe', password },
          from('192.0.2.20'),
        );
      for (const [password, message] of [
        ['seven77', /at least 8/],
        ['x'.repeat(129), /at most 128/],
        ['password123', /too common/],
        ['PASSWORD123', /too common/],
      ] as const) {
        const response = await signup(password);
        assert.equal(response.status, 400, password);
        const problem = asProblem(await response.json());
        assert.deepEqual(
          problem.errors?.map((error) => error.field),
          ['/password'],
        );
        assert.match(problem.errors.map((error) => error.message).join(), message);
      }
      const long = 'lowercase words only, no digits or symbols needed at all, ok....';
      assert.equal(long.length, 64);
      const created = await signup(long, 'pw-long');
      assert.equal(created.status, 200, await created.clone().text());
      const again = new Browser(server.baseUrl);
      const landed = await signIn(again, 'pw-long', long);
      assert.equal(landed, `${server.baseUrl}/`);
    });
  });

  describe('rate limits', () => {
    it('sign-in: 20 failures from one address refuse every account from it, not from others', async () => {
      const account = await createAccount(server.app);
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser);
      const login = (name: string, password: string, address: string) =>
        browser.postJson(`/interaction/${uid}/login`, { login: name, password }, from(address));
      for (let i = 0; i < 20; i++) {
        const response = await login(`unknown-${i}`, 'a wrong password', '198.51.100.30');
        assert.equal(response.status, 401);
      }
      await assertRateLimited(
        await login(account.username, TEST_PASSWORD, '198.51.100.30'),
        15 * 60,
      );
      assert.equal((await login(account.username, TEST_PASSWORD, '198.51.100.31')).status, 200);
    });

    describe('under parallel requests', () => {
      // Every request is sent before any answer comes back: the count and the check must be
      // one step, or all of them read "under the limit" and each gets a password check.
      const parallelSignIns = async (
        t: TestContext,
        attempts: readonly { login: string; address: string }[],
      ) => {
        const browser = new Browser(server.baseUrl);
        const { uid } = await openSignInPage(browser);
        const calls = recordArgon2(t);
        const responses = await Promise.all(
          attempts.map(({ login, address }) =>
            browser.postJson(
              `/interaction/${uid}/login`,
              { login, password: 'a wrong password' },
              from(address),
            ),
          ),
        );
        const statuses = new Map<number, number>();
        for (const response of responses) {
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          await response.body?.cancel();
        }
        return { passwordChecks: calls.length, statuses: Object.fromEntries(statuses) };
      };

      it('100 at once for one account from one address: 5 password checks, then 429', async (t) => {
        const account = await createAccount(server.app);
        const attempts = Array.from({ length: 100 }, () => ({
          login: account.username,
          address: '198.51.100.60',
        }));
        assert.deepEqual(await parallelSignIns(t, attempts), {
          passwordChecks: 5,
          statuses: { 401: 5, 429: 95 },
        });
      });

      it('60 at once for one account from 60 addresses: 5 password checks', async (t) => {
        const account = await createAccount(server.app);
        const attempts = Array.from({ length: 60 }, (_, i) => ({
          login: account.email,
          address: `198.51.101.${i + 1}`,
        }));
        assert.deepEqual(await parallelSignIns(t, attempts), {
          passwordChecks: 5,
          statuses: { 401: 5, 429: 55 },
        });
      });

      it('60 at once for 60 usernames from one address: 20 password checks', async (t) => {
        const attempts = Array.from({ length: 60 }, (_, i) => ({
          login: `spread-${i}`,
          address: '198.51.100.61',
        }));
        assert.deepEqual(await parallelSignIns(t, attempts), {
          passwordChecks: 20,
          statuses: { 401: 20, 429: 40 },
        });
      });

      it('30 sign-ups at once probing one email from 30 addresses: 5 answers, then 429', async () => {
        await createAccount(server.app, { username: 'crowded' });
        const browser = new Browser(server.baseUrl);
        const { uid } = await openSignInPage(browser, '?signup=1');
        const responses = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            browser.postJson(
              `/interaction/${uid}/signup`,
              {
                username: `crowd-${i}`,
                email: 'crowded@example.test',
                displayName: 'C',
                password: 'a perfectly fine passphrase',
              },
              from(`203.0.114.${i + 1}`),
            ),
          ),
        );
        const statuses = responses.map((response) => response.status).sort();
        assert.deepEqual(statuses, [...Array<number>(5).fill(409), ...Array<number>(25).fill(429)]);
      });
    });

    it('sign-in: a correct password does not count against its address', async () => {
      const account = await createAccount(server.app);
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser);
      const login = (name: string, password: string) =>
        browser.postJson(
          `/interaction/${uid}/login`,
          { login: name, password },
          from('198.51.100.62'),
        );
      for (let i = 0; i < 25; i++) {
        const response = await login(account.username, TEST_PASSWORD);
        assert.equal(response.status, 200, await response.clone().text());
      }
      for (let i = 0; i < 20; i++) {
        assert.equal((await login(`after-${i}`, 'a wrong password')).status, 401);
      }
      await assertRateLimited(await login(account.username, TEST_PASSWORD), 15 * 60);
    });

    it('sign-up: at most 10 attempts an hour from one address, whatever their outcome', async () => {
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser, '?signup=1');
      const signup = (name: string, password: string, address: string) =>
        browser.postJson(
          `/interaction/${uid}/signup`,
          { username: name, email: `${name}@example.org`, displayName: name, password },
          from(address),
        );
      for (let i = 0; i < 10; i++) {
        assert.equal((await signup(`flood-${i}`, 'short', '198.51.100.40')).status, 400);
      }
      await assertRateLimited(
        await signup('flood-ok', 'a perfectly fine passphrase', '198.51.100.40'),
        60 * 60,
      );
      const elsewhere = await signup('flood-ok', 'a perfectly fine passphrase', '198.51.100.41');
      assert.equal(elsewhere.status, 200, await elsewhere.clone().text());
    });

    it('sign-up: 5 refused attempts for one username lock that username, from any address', async () => {
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser, '?signup=1');
      const signup = (email: string, password: string, address: string) =>
        browser.postJson(
          `/interaction/${uid}/signup`,
          { username: 'Wanted-Name', email, displayName: 'W', password },
          from(address),
        );
      for (let i = 0; i < 5; i++) {
        const response = await signup(`w${i}@example.org`, 'password', `203.0.113.${i + 1}`);
        assert.equal(response.status, 400);
      }
      await assertRateLimited(
        await signup('w9@example.org', 'a perfectly fine passphrase', '203.0.113.99'),
        15 * 60,
      );
      const other = await browser.postJson(
        `/interaction/${uid}/signup`,
        {
          username: 'other-name',
          email: 'w9@example.org',
          displayName: 'W',
          password: 'a perfectly fine passphrase',
        },
        from('203.0.113.99'),
      );
      assert.equal(other.status, 200, 'another username is not locked');
    });

    it('sign-up: probing one email address (email_taken) is limited from any address', async () => {
      await createAccount(server.app, { username: 'probed' });
      const browser = new Browser(server.baseUrl);
      const { uid } = await openSignInPage(browser, '?signup=1');
      const probe = (index: number) =>
        browser.postJson(
          `/interaction/${uid}/signup`,
          {
            username: `prober-${index}`,
            email: 'PROBED@example.test',
            displayName: 'Prober',
            password: 'a perfectly fine passphrase',
          },
          from(`203.0.113.${100 + index}`),
        );
      for (let i = 0; i < 5; i++) {
        const response = await probe(i);
        assert.equal(response.status, 409);
        assert.equal(asProblem(await response.json()).code, 'email_taken');
      }
      await assertRateLimited(await probe(5), 15 * 60);
    });
  });
});
