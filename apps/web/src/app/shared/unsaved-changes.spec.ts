import { Component } from '@angular/core';
import type { ComponentFixture } from '@angular/core/testing';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { Router, RouterOutlet, provideRouter } from '@angular/router';
import { confirmLeavingUnsaved, warnBeforeUnload } from './unsaved-changes';

let unsaved = false;

@Component({ selector: 'app-form-page', template: 'form' })
class FormPage {
  constructor() {
    warnBeforeUnload(() => unsaved);
  }

  hasUnsavedChanges(): boolean {
    return unsaved;
  }
}

@Component({ selector: 'app-other-page', template: 'other' })
class OtherPage {}

@Component({ selector: 'app-shell', imports: [RouterOutlet], template: '<router-outlet />' })
class Shell {}

describe('Leaving a page with unsaved changes', () => {
  async function start() {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'form', component: FormPage, canDeactivate: [confirmLeavingUnsaved] },
          { path: 'other', component: OtherPage },
        ]),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    const fixture = TestBed.createComponent(Shell);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/form');
    fixture.detectChanges();
    return { fixture, router };
  }

  /**
   * Answers the dialog. The navigation waits for it, so the app is never stable and the
   * harnesses (which wait for stability) cannot be used: the DOM is read directly.
   */
  async function answer(fixture: ComponentFixture<Shell>, label: string) {
    await new Promise((resolve) => setTimeout(resolve));
    fixture.detectChanges();
    const dialog = document.querySelector('mat-dialog-container');
    expect(dialog?.querySelector('h2')?.textContent.trim()).toBe('Leave without saving?');
    const buttons = [...(dialog?.querySelectorAll('button') ?? [])];
    buttons.find((button) => button.textContent.trim() === label)?.click();
  }

  afterEach(() => {
    unsaved = false;
  });

  it('leaves without asking when nothing is unsaved', async () => {
    const { router } = await start();
    expect(await router.navigateByUrl('/other')).toBe(true);
  });

  it('asks first, and stays when the user says so', async () => {
    const { fixture, router } = await start();
    unsaved = true;

    const leaving = router.navigateByUrl('/other');
    await answer(fixture, 'Stay');

    expect(await leaving).toBe(false);
    expect(router.url).toBe('/form');
  });

  it('asks first, and leaves when the user chooses to lose the changes', async () => {
    const { fixture, router } = await start();
    unsaved = true;

    const leaving = router.navigateByUrl('/other');
    await answer(fixture, 'Leave without saving');

    expect(await leaving).toBe(true);
    expect(router.url).toBe('/other');
  });

  it('has the browser ask before the page unloads, only while something is unsaved', async () => {
    await start();
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };

    expect(unload()).toBe(false);
    unsaved = true;
    expect(unload()).toBe(true);
  });
});
