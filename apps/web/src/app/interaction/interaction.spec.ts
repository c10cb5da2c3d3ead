import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTabGroupHarness } from '@angular/material/tabs/testing';
import { Title } from '@angular/platform-browser';
import type { InteractionDetails } from '@assay/contracts';
import { createEachWithApi } from '../../testing/create-with-api';
import { flushProblem } from '../../testing/problems';
import { settle } from '../../testing/settle';
import { Interaction } from './interaction';

describe('The sign-in page', () => {
  const page = createEachWithApi(Interaction, { inputs: { uid: 'uid-3' } });

  const loader = () => TestbedHarnessEnvironment.loader(page.fixture);
  const heading = () =>
    (page.fixture.nativeElement as HTMLElement).querySelector('h1')?.textContent;

  async function open(details: Partial<InteractionDetails>): Promise<void> {
    await page.fixture.whenStable();
    page.http.expectOne('/interaction/uid-3/details').flush({
      uid: 'uid-3',
      prompt: 'login',
      mode: 'signin',
      clientName: 'Assay',
      ...details,
    });
    await settle(page.fixture);
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
    await page.fixture.whenStable();
    flushProblem(page.http.expectOne('/interaction/uid-3/details'), 'interaction_not_found', {
      detail: 'This sign-in request does not exist or has expired.',
    });
    await settle(page.fixture);

    expect(heading()).toBe('This sign-in link has expired');
    expect(TestBed.inject(Title).getTitle()).toBe('Sign-in link expired · Assay');
    const startAgain = await loader().getHarness(MatButtonHarness.with({ text: 'Start again' }));
    expect(await (await startAgain.host()).getAttribute('href')).toBe('/bff/login');
  });

  it('cancels through the provider and follows its redirect', async () => {
    await open({});
    const cancel = await loader().getHarness(MatButtonHarness.with({ text: 'Cancel' }));

    await cancel.click();
    const abort = page.http.expectOne('/interaction/uid-3/abort');
    expect(abort.request.method).toBe('POST');
    abort.flush({ redirectTo: '/bff/callback?error=access_denied' });
    await settle(page.fixture);

    expect(page.assign).toHaveBeenCalledExactlyOnceWith('/bff/callback?error=access_denied');
  });
});
