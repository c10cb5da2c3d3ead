import { Injectable, effect, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';
import type { RouterStateSnapshot } from '@angular/router';
import { TitleStrategy } from '@angular/router';

export const PRODUCT_NAME = 'Assay';

/** A tab's title: "<page> · Assay". */
function tabTitle(page: string | undefined): string {
  return page ? `${page} · ${PRODUCT_NAME}` : PRODUCT_NAME;
}

/**
 * Titles the page after what it shows once that is known (the route's title stands until then),
 * e.g. the exam's own title. Call it from a constructor or a field initialiser.
 */
export function titlePageAfter(page: () => string | null | undefined): void {
  const title = inject(Title);
  effect(() => {
    const shown = page();
    if (shown) title.setTitle(tabTitle(shown));
  });
}

/** Titles every page "<route title> · Assay", so tabs and history entries say where you are. */
@Injectable({ providedIn: 'root' })
export class PageTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);

  override updateTitle(snapshot: RouterStateSnapshot): void {
    const pageTitle = this.buildTitle(snapshot);
    this.title.setTitle(tabTitle(pageTitle));
  }
}
