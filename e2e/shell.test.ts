// Smoke journey: the server started as `npm start` starts it serves the web app shell, the API
// reference and health endpoints, under the production CSP, with no console errors.
import { screenshot, expectAccessible } from './support/browser.ts';
import { expect, test } from './support/fixtures.ts';

test.use({ journey: 'shell' });

test.describe('the web app shell', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    test.describe(() => {
      test.use({ colorScheme });

      test(`renders the home page in the ${colorScheme} theme with no console errors`, async ({
        page,
        problems,
        assay,
      }) => {
        const response = await page.goto(assay.url);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['content-security-policy'] ?? '').toMatch(/script-src 'self'/);

        const toolbar = page.getByRole('banner');
        await expect(toolbar.getByRole('link', { name: 'Assay' })).toBeVisible();
        await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toBeVisible();
        await expect(page).toHaveTitle(/Assay/);

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
        if (colorScheme === 'dark') expect(surfaceLightness, 'dark surface').toBeLessThan(0.25);
        else expect(surfaceLightness, 'light surface').toBeGreaterThan(0.75);
        expect(problems).toEqual([]);
      });
    });
  }

  test.describe(() => {
    test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

    test('fits a phone: the toolbar keeps Sign in and Sign up on screen, nothing scrolls sideways', async ({
      page,
      problems,
      assay,
    }) => {
      await page.goto(`${assay.url}/exams`);
      await expect(page.getByRole('heading', { level: 1, name: 'Exams' })).toBeVisible();
      await expect(
        page.getByRole('list', { name: 'Exams' }).getByRole('listitem').first(),
      ).toBeVisible();
      await screenshot(page, 'shell-catalog-phone');
      for (const name of ['Sign in', 'Sign up']) {
        const box = await page.getByRole('banner').getByRole('button', { name }).boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 360, `${name} is on screen`).toBe(true);
      }
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, 'no sideways scrolling').toBe(0);
      await expectAccessible(page, 'the catalog (phone)');
      expect(problems).toEqual([]);
    });
  });

  test('serves an unknown page as the app, which says the page was not found', async ({
    page,
    problems,
    assay,
  }) => {
    const response = await page.goto(`${assay.url}/no/such/page`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: /not found/i })).toBeVisible();
    await expectAccessible(page, 'the not-found page');
    await screenshot(page, 'shell-not-found');
    expect(problems).toEqual([]);
  });

  test('reaches the home page by keyboard alone from the not-found page', async ({
    page,
    problems,
    assay,
  }) => {
    await page.goto(`${assay.url}/elsewhere`);
    await expect(page.getByRole('heading', { level: 1, name: /not found/i })).toBeVisible();
    const homeLink = page.getByRole('banner').getByRole('link', { name: 'Assay' });
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await homeLink.evaluate((el) => el === document.activeElement)) break;
    }
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(`${assay.url}/`);
    await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toBeVisible();
    expect(problems).toEqual([]);
  });

  test('renders the API reference page with no console errors', async ({
    page,
    problems,
    assay,
  }) => {
    const response = await page.goto(`${assay.url}/api/docs`);
    expect(response?.status()).toBe(200);
    await expect(page.getByText('/readyz').first()).toBeVisible();
    await screenshot(page, 'api-docs');
    expect(problems).toEqual([]);
  });

  test('answers health, readiness and the OpenAPI document', async ({ request, assay }) => {
    const health = await request.get(`${assay.url}/healthz`);
    expect(health.status()).toBe(200);
    const ready = await request.get(`${assay.url}/readyz`);
    expect(ready.status()).toBe(200);
    const openapi = await request.get(`${assay.url}/api/openapi.json`);
    expect(openapi.status()).toBe(200);
    const document = (await openapi.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.paths).toHaveProperty(['/readyz']);
  });
});
