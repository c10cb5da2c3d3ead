import type { ComponentFixture } from '@angular/core/testing';

/**
 * Lets what is already queued run (the promise chain of an answered request, say), then waits
 * until the page is stable and rendered.
 */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve));
  await fixture.whenStable();
}
