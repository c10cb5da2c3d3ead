import { HttpXsrfTokenExtractor, provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { SignInError } from './sign-in-error';

describe('The sign-in error page', () => {
  let assign: ReturnType<typeof vi.fn>;

  async function open(query: string) {
    assign = vi.fn();
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [{ path: 'sign-in-error', component: SignInError }],
          withComponentInputBinding(),
        ),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign } },
        { provide: HttpXsrfTokenExtractor, useValue: { getToken: () => null } },
      ],
    });
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(`/sign-in-error${query}`);
    const loader = TestbedHarnessEnvironment.loader(harness.fixture);
    return { page: harness.routeNativeElement as HTMLElement, loader };
  }

  it('says what happened, offers to try again where the user was going, and shows the request id', async () => {
    const { page, loader } = await open(
      '?reason=token_refused&requestId=0b7d6c1e-3f4a-4e8b-9a1d-2c3e4f5a6b7c&returnTo=%2Fexams%2F42',
    );
    expect(page.querySelector('h1')?.textContent.trim()).toBe(
      'Assay could not accept this sign-in',
    );
    expect(page.textContent).toContain('You are not signed in.');
    expect(page.querySelector('code')?.textContent).toBe('0b7d6c1e-3f4a-4e8b-9a1d-2c3e4f5a6b7c');
    // No raw JSON, no jargon such as "token" or "audience" for the person signing in.
    expect(page.textContent).not.toMatch(/[{}]|token|audience/i);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Try again' }))).click();
    expect(assign).toHaveBeenCalledWith(`/bff/login?returnTo=${encodeURIComponent('/exams/42')}`);
  });

  it('falls back to a general message, the home page and no id for anything unexpected', async () => {
    const { page, loader } = await open(
      '?reason=%3Cscript%3E&requestId=%3Cb%3Ex&returnTo=%2F%2Fevil.example',
    );
    expect(page.querySelector('h1')?.textContent.trim()).toBe(
      'Assay could not finish signing you in',
    );
    expect(page.querySelector('code')).toBeNull();
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Try again' }))).click();
    expect(assign).toHaveBeenCalledWith(`/bff/login?returnTo=${encodeURIComponent('/')}`);
  });
});
