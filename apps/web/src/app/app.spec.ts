import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatToolbarHarness } from '@angular/material/toolbar/testing';
import { Title } from '@angular/platform-browser';
import { Router } from '@angular/router';
import { App } from './app';
import { appConfig } from './app.config';
import { PAGE_NAVIGATION } from './core/page-navigation';

describe('App shell', () => {
  let fixture: ComponentFixture<App>;
  let router: Router;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [App],
      providers: [
        ...appConfig.providers,
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign: vi.fn() } },
      ],
    });
    fixture = TestBed.createComponent(App);
    router = TestBed.inject(Router);
  });

  afterEach(() => {
    // Nobody is signed in (no session cookie), so the app does not even ask who is.
    TestBed.inject(HttpTestingController).verify();
  });

  async function open(url: string): Promise<void> {
    await router.navigateByUrl(url);
    await fixture.whenStable();
  }

  function element(): HTMLElement {
    return fixture.nativeElement as HTMLElement;
  }

  function pageHeading(): string | undefined {
    return element().querySelector('main h1')?.textContent.trim();
  }

  function brandLink(): HTMLAnchorElement {
    const link = element().querySelector<HTMLAnchorElement>('mat-toolbar a');
    if (!link) throw new Error('The toolbar has no link');
    return link;
  }

  it('shows the product name in the toolbar', async () => {
    await open('/');
    const toolbar = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatToolbarHarness);

    expect(await toolbar.getRowsAsText()).toEqual([expect.stringMatching(/^Assay/)]);
  });

  it('renders the welcome page at / with its title', async () => {
    await open('/');

    expect(pageHeading()).toBe('Write exams. Take them online. Keep every result.');
    expect(element().querySelector('main')?.textContent).toContain(
      'Instructors write multiple-choice exams',
    );
    expect(TestBed.inject(Title).getTitle()).toBe('Online exams · Assay');
  });

  it('renders "Page not found" for an unknown address and names the address', async () => {
    await open('/no/such/page');

    expect(pageHeading()).toBe('Page not found');
    expect(element().querySelector('main')?.textContent).toContain('/no/such/page');
    expect(TestBed.inject(Title).getTitle()).toBe('Page not found · Assay');
  });

  it('takes the user home from the product name in the toolbar', async () => {
    await open('/no/such/page');

    const link = brandLink();
    expect(link.textContent.trim()).toBe('Assay');
    expect(link.getAttribute('href')).toBe('/');

    link.click();
    await fixture.whenStable();

    expect(router.url).toBe('/');
    expect(pageHeading()).toBe('Write exams. Take them online. Keep every result.');
  });

  it('offers a way home from the not-found page', async () => {
    await open('/missing');
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const homeButton = await loader.getHarness(
      MatButtonHarness.with({ text: 'Go to the home page' }),
    );

    await homeButton.click();
    await fixture.whenStable();

    expect(router.url).toBe('/');
    expect(pageHeading()).toBe('Write exams. Take them online. Keep every result.');
  });

  it('has a skip link, first in tab order, that moves focus to the main content', async () => {
    await open('/missing');

    const focusable = element().querySelectorAll<HTMLElement>('a[href], button, [tabindex="0"]');
    const skipLink = focusable[0];
    expect(skipLink?.textContent.trim()).toBe('Skip to main content');

    const targetId = skipLink?.getAttribute('href')?.replace(/^#/, '') ?? '';
    const main = document.getElementById(targetId);
    expect(main?.tagName).toBe('MAIN');

    skipLink?.click();
    await fixture.whenStable();

    expect(document.activeElement).toBe(main);
    expect(router.url).toBe('/missing');
  });
});
