import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProblemDetails } from '@assay/contracts';
import { createTestApp, LogCapture, type TestApp } from './support/app.ts';
import { forSuite } from './support/suite.ts';

const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function styleNonceOf(csp: unknown): string {
  const match = /style-src 'self' 'nonce-([^']+)'/.exec(String(csp));
  assert.ok(match?.[1], `a style-src nonce in ${String(csp)}`);
  return match[1];
}

describe('security headers', () => {
  const testApp = forSuite(createTestApp);

  for (const [kind, url, accept, withNonce] of [
    ['an API response', '/healthz', 'application/json', false],
    ['an HTML page', '/', html, true],
    ['an error', '/api/nothing', 'application/json', false],
  ] as const) {
    it(`are on ${kind}`, async () => {
      const response = await testApp.app.inject({ method: 'GET', url, headers: { accept } });
      const csp = String(response.headers['content-security-policy']);
      // Only the web app's page has inline styles, so only it carries a style nonce.
      const styleSrc = withNonce
        ? `style-src 'self' 'nonce-${styleNonceOf(csp)}'`
        : "style-src 'self'";
      assert.equal(
        csp,
        "default-src 'self'; script-src 'self'; " +
          `${styleSrc}; img-src 'self' data:; font-src 'self'; ` +
          "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
          "frame-ancestors 'none'",
      );
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin');
      assert.equal(response.headers['cross-origin-resource-policy'], 'same-origin');
      assert.equal(response.headers['x-xss-protection'], '0');
      assert.equal(response.headers['strict-transport-security'], undefined, 'no HSTS over http');
    });
  }

  it('use a fresh nonce for every response', async () => {
    const first = await testApp.app.inject({ method: 'GET', url: '/' });
    const second = await testApp.app.inject({ method: 'GET', url: '/' });
    assert.notEqual(
      styleNonceOf(first.headers['content-security-policy']),
      styleNonceOf(second.headers['content-security-policy']),
    );
  });

  it('include HSTS when the public URL is https', async () => {
    const https = await createTestApp({ env: { PUBLIC_URL: 'https://exams.example.org' } });
    try {
      const response = await https.app.inject({ method: 'GET', url: '/healthz' });
      assert.match(String(response.headers['strict-transport-security']), /max-age=31536000/);
    } finally {
      await https.close();
    }
  });
});

describe('the web app', () => {
  const testApp = forSuite(createTestApp);

  it('serves index.html at / with the CSP nonce substituted, never cached', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: html },
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.equal(response.headers['cache-control'], 'no-cache');
    const nonce = styleNonceOf(response.headers['content-security-policy']);
    assert.ok(!response.body.includes('__CSP_NONCE__'));
    assert.ok(response.body.includes(`<app-root ngCspNonce="${nonce}">`));
    assert.ok(response.body.includes(`href="styles-ABCD2345.css" nonce="${nonce}"`));
  });

  it('substitutes the nonce at /index.html too', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/index.html' });
    const nonce = styleNonceOf(response.headers['content-security-policy']);
    assert.ok(response.body.includes(`ngCspNonce="${nonce}"`));
  });

  it('serves hashed assets as immutable for a year and others as no-cache', async () => {
    const script = await testApp.app.inject({ method: 'GET', url: '/main-WXYZ6789.js' });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /javascript/);
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(script.body, /fixture main bundle/);

    const icon = await testApp.app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it("answers a browser navigation to one of the app's routes with index.html", async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/exams/42/take?question=3',
      headers: { accept: html },
    });
    assert.equal(response.statusCode, 200);
    const nonce = styleNonceOf(response.headers['content-security-policy']);
    assert.ok(response.body.includes(`ngCspNonce="${nonce}"`));
  });

  for (const url of ['/api/nothing/42', '/oidc/nope', '/bff/nope', '/healthz/deep']) {
    it(`answers a browser request to the server path ${url} with a 404 problem`, async () => {
      const response = await testApp.app.inject({ method: 'GET', url, headers: { accept: html } });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json<ProblemDetails>().code, 'not_found');
    });
  }

  it('answers a non-HTML request for an unknown path with a 404 problem', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/exams/42',
      headers: { accept: 'application/json' },
    });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json<ProblemDetails>().code, 'not_found');
  });

  it('answers a missing asset with a 404 problem, not index.html', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/chunk-MISSING1.js' });
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  });
});

describe('without a web build', () => {
  let testApp: TestApp;
  let emptyDir: string;
  const logs = new LogCapture();

  before(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), 'assay-no-web-'));
    testApp = await createTestApp({ env: { WEB_DIST_DIR: emptyDir }, logs });
  });
  after(async () => {
    await testApp.close();
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('warns at startup', () => {
    assert.ok(
      logs.lines.some((line) => line['level'] === 40 && /not built/.test(String(line['msg']))),
    );
  });

  it('answers / with 503 web_app_not_built', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: html },
    });
    assert.equal(response.statusCode, 503);
    const problem = response.json<ProblemDetails>();
    assert.equal(problem.code, 'web_app_not_built');
    assert.match(problem.detail, /npm run build/);
  });

  it('still serves the API and answers unknown API paths with 404', async () => {
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/api/x' })).statusCode, 404);
  });
});
