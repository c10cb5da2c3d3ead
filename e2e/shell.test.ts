// Smoke journey: the server started as `npm start` starts it serves the web app shell, the API
// reference and health endpoints, under the production CSP, with no console errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { openPage, screenshot, expectAccessible } from './support/browser.ts';
import { startJourney, type Journey } from './support/journey.ts';
import type { RunningServer } from './support/server.ts';

describe('the web app shell', () => {
  let journey: Journey;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    journey = await startJourney();
    ({ server, browser } = journey);
  });

  after(() => journey.end());

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`renders the home page in the ${colorScheme} theme with no console errors`, async () => {
      const { page, problems } = await openPage(browser, { colorScheme });
      const response = await page.goto(server.url);
      assert.equal(response?.status(), 200);
      assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);

      const toolbar = page.getByRole('banner');
      await toolbar.getByRole('link', { name: 'Assay' }).waitFor();
      await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
      assert.match(await page.title(), /Assay/);

      await expectAccessible(page, `the home page (${colorScheme})`);
      await screenshot(page, `shell-home-${colorScheme}`);
      // The page really follows the preference: Material's surface colour is dark in the dark
      // theme and light in the light one.
      const surfaceLightness = await page.evaluate(() => {
        const [r = 0, g = 0, b = 0] = (
          getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? []
        ).map(Number);
        return (Math.max(r, g, b) + Math.min(r, g, b)) / 2 / 255;
      });
      if (colorScheme === 'dark')
        assert.ok(surfaceLightness < 0.25, `dark surface (${surfaceLightness})`);
      else assert.ok(surfaceLightness > 0.75, `light surface (${surfaceLightness})`);
      assert.deepEqual(problems, []);
      await page.context().close();
    });
  }

  it('fits a phone: the toolbar keeps Sign in and Sign up on screen, nothing scrolls sideways', async () => {
    const { page, problems } = await openPage(browser, {
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${server.url}/exams`);
    await page.getByRole('heading', { level: 1, name: 'Exams' }).waitFor();
    await page.getByRole('list', { name: 'Exams' }).getByRole('listitem').first().waitFor();
    await screenshot(page, 'shell-catalog-phone');
    for (const name of ['Sign in', 'Sign up']) {
      const box = await page.getByRole('banner').getByRole('button', { name }).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${name} is on screen`);
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(overflow, 0, 'no sideways scrolling');
    await expectAccessible(page, 'the catalog (phone)');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('serves an unknown page as the app, which says the page was not found', async () => {
    const { page, problems } = await openPage(browser);
    const response = await page.goto(`${server.url}/no/such/page`);
    assert.equal(response?.status(), 200);
    await page.getByRole('heading', { level: 1, name: /not found/i }).waitFor();
    await expectAccessible(page, 'the not-found page');
    await screenshot(page, 'shell-not-found');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('reaches the home page by keyboard alone from the not-found page', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${server.url}/elsewhere`);
    await page.getByRole('heading', { level: 1, name: /not found/i }).waitFor();
    const homeLink = page.getByRole('banner').getByRole('link', { name: 'Assay' });
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await homeLink.evaluate((el) => el === document.activeElement)) break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('renders the API reference page with no console errors', async () => {
    const { page, problems } = await openPage(browser);
    const response = await page.goto(`${server.url}/api/docs`);
    assert.equal(response?.status(), 200);
    await page.getByText('/readyz').first().waitFor();
    await screenshot(page, 'api-docs');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('answers health, readiness and the OpenAPI document', async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    const openapi = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(openapi.status, 200);
    const document = (await openapi.json()) as { openapi: string; paths: Record<string, unknown> };
    assert.match(document.openapi, /^3\.1\./);
    assert.ok('/readyz' in document.paths);
  });
});
