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

  /** Leaves the form with something unsaved, answering the dialog with `label`. */
  async function leaveUnsaved(label: string): Promise<{ left: boolean; url: string }> {
    const { fixture, router } = await start();
    unsaved = true;

    const leaving = router.navigateByUrl('/other');
    await answer(fixture, label);

    return { left: await leaving, url: router.url };
  }

  it('asks first, and stays when the user says so', async () => {
    expect(await leaveUnsaved('Stay')).toEqual({ left: false, url: '/form' });
  });

  it('asks first, and leaves when the user chooses to lose the changes', async () => {
    expect(await leaveUnsaved('Leave without saving')).toEqual({ left: true, url: '/other' });
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
