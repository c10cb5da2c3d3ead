import { DOCUMENT, Injectable, inject } from '@angular/core';

/** Every key the app writes to `localStorage` starts with this. */
const KEY_PREFIX = 'assay:';

/**
 * The browser's storage for what belongs to the person signed in (today: the copy of an attempt
 * in progress, see take/attempt-memory.ts). `localStorage` outlives the tab and the session, so
 * signing out wipes every key under the app's prefix — a shared computer keeps none of anyone's
 * answers — and refuses writes for the rest of the page's life, so a save finishing meanwhile
 * cannot put a copy back. Anything kept here is the user's: nothing else may use the prefix.
 * Storage the browser refuses (private mode, disabled site data, full) reads as empty.
 */
@Injectable({ providedIn: 'root' })
export class SignedInStorage {
  private readonly storage = storageOf(inject(DOCUMENT).defaultView);
  private wiped = false;

  getItem(key: string): string | null {
    try {
      return this.storage?.getItem(KEY_PREFIX + key) ?? null;
    } catch {
      return null;
    }
  }

  setItem(key: string, value: string): void {
    if (this.wiped) return;
    try {
      this.storage?.setItem(KEY_PREFIX + key, value);
    } catch {
      // Full or refused: callers keep their own copy in memory.
    }
  }

  removeItem(key: string): void {
    try {
      this.storage?.removeItem(KEY_PREFIX + key);
    } catch {
      // Refused: there is nothing to remove.
    }
  }

  /** At sign-out: removes everything the app kept, and keeps nothing from now on. */
  wipe(): void {
    this.wiped = true;
    try {
      const storage = this.storage;
      if (!storage) return;
      const keys: string[] = [];
      for (let index = 0; index < storage.length; index++) {
        const key = storage.key(index);
        if (key?.startsWith(KEY_PREFIX)) keys.push(key);
      }
      for (const key of keys) storage.removeItem(key);
    } catch {
      // Refused: the browser kept nothing either.
    }
  }
}

function storageOf(window: Window | null): Storage | null {
  try {
    return window?.localStorage ?? null;
  } catch {
    // Reading `localStorage` itself throws when the browser forbids site data.
    return null;
  }
}
