import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTabGroupHarness } from '@angular/material/tabs/testing';
import { Title } from '@angular/platform-browser';
import type { InteractionDetails } from '@assay/contracts';
import { problemInterceptor } from '../core/http/problem-interceptor';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { Interaction } from './interaction';

describe('The sign-in page', () => {
  let fixture: ComponentFixture<Interaction>;
  let httpTesting: HttpTestingController;
  const assign = vi.fn<(url: string) => void>();

  beforeEach(() => {
    assign.mockReset();
    TestBed.configureTestingModule({
      imports: [Interaction],
      providers: [
        provideHttpClient(withInterceptors([problemInterceptor])),
        provideHttpClientTesting(),
        { provide: PAGE_NAVIGATION, useValue: { assign } },
      ],
    });
    fixture = TestBed.createComponent(Interaction);
    fixture.componentRef.setInput('uid', 'uid-3');
    httpTesting = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    httpTesting.verify();
  });

  const loader = () => TestbedHarnessEnvironment.loader(fixture);
  const heading = () => (fixture.nativeElement as HTMLElement).querySelector('h1')?.textContent;

  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  async function open(details: Partial<InteractionDetails>): Promise<void> {
    await fixture.whenStable();
    httpTesting.expectOne('/interaction/uid-3/details').flush({
      uid: 'uid-3',
      prompt: 'login',
      mode: 'signin',
      clientName: 'Assay',
      ...details,
    });
    await settle();
  }

  it('opens on "Sign in" for a sign-in, and switches to "Create account"', async () => {
    await open({ mode: 'signin' });
    const tabs = await loader().getHarness(MatTabGroupHarness);

    expect(await (await tabs.getSelectedTab()).getLabel()).toBe('Sign in');
    expect(heading()).toBe('Sign in to Assay');
    expect(TestBed.inject(Title).getTitle()).toBe('Sign in · Assay');

    await tabs.selectTab({ label: 'Create account' });

    expect(heading()).toBe('Create your Assay account');
    expect(TestBed.inject(Title).getTitle()).toBe('Create account · Assay');
  });

  it('opens on "Create account" when the visitor chose "Sign up"', async () => {
    await open({ mode: 'signup' });
    const tabs = await loader().getHarness(MatTabGroupHarness);

    expect(await (await tabs.getSelectedTab()).getLabel()).toBe('Create account');
    expect(heading()).toBe('Create your Assay account');
  });

  it('says an expired interaction has expired and offers to start again', async () => {
    await fixture.whenStable();
    httpTesting.expectOne('/interaction/uid-3/details').flush(
      {
        type: 'urn:assay:problem:interaction_not_found',
        code: 'interaction_not_found',
        status: 404,
        title: 'The sign-in request has expired',
        detail: 'This sign-in request does not exist or has expired.',
      },
      { status: 404, statusText: 'Not Found' },
    );
    await settle();

    expect(heading()).toBe('This sign-in link has expired');
    expect(TestBed.inject(Title).getTitle()).toBe('Sign-in link expired · Assay');
    const startAgain = await loader().getHarness(MatButtonHarness.with({ text: 'Start again' }));
    expect(await (await startAgain.host()).getAttribute('href')).toBe('/bff/login');
  });

  it('cancels through the provider and follows its redirect', async () => {
    await open({});
    const cancel = await loader().getHarness(MatButtonHarness.with({ text: 'Cancel' }));

    await cancel.click();
    const abort = httpTesting.expectOne('/interaction/uid-3/abort');
    expect(abort.request.method).toBe('POST');
    abort.flush({ redirectTo: '/bff/callback?error=access_denied' });
    await settle();

    expect(assign).toHaveBeenCalledExactlyOnceWith('/bff/callback?error=access_denied');
  });
});
