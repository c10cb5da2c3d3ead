// What every journey checks in the page: console errors, uncaught exceptions, failed requests,
// axe-core accessibility results, and screenshots of what a person sees.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const screenshotDir = join(root, 'test-results', 'screenshots');
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Collects the page's console errors, uncaught exceptions and failed requests from now on. */
export function watchProblems(page: Page, problems: string[] = []): string[] {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return problems;
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed requests seen so far. */
  readonly problems: string[];
}

/** A page in a context of its own, for journeys that keep a page across tests or need two. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<WatchedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  return { page, problems: watchProblems(page) };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // evaluate() runs through the DevTools protocol, so the page's CSP does not block axe.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const result = await axe.run();
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with the list when axe finds any serious or critical violation on the page. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Colours are checked as they end up, not halfway through a transition (a switch to the dark
  // theme fades backgrounds; axe once caught a checkbox at 2.5:1 on its way). Endless animations,
  // such as a spinner's, are not waited for.
  await page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const finite = document
      .getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
  });
  const violations = await seriousAccessibilityViolations(page);
  expect(violations, `no serious or critical axe violations on ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  // A full-page screenshot of a scrolled page paints the sticky toolbar where the viewport was,
  // in the middle of the picture; from the top, it is where a person sees it.
  await page.evaluate(() => {
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
