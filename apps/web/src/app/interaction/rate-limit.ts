import { DestroyRef, computed, inject, signal } from '@angular/core';

/**
 * A countdown to when the server accepts another attempt after a 429. Ticks once a second only
 * while it runs. Call in an injection context; the timer stops when the component is destroyed.
 */
export function rateLimitCountdown() {
  const retryAt = signal(0);
  const now = signal(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;

  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  inject(DestroyRef).onDestroy(stop);

  const secondsLeft = computed(() => Math.max(0, Math.ceil((retryAt() - now()) / 1000)));

  return {
    /** Whole seconds until another attempt is allowed; 0 when it is allowed now. */
    secondsLeft,
    active: computed(() => secondsLeft() > 0),
    start(seconds: number): void {
      now.set(Date.now());
      retryAt.set(now() + seconds * 1000);
      stop();
      timer = setInterval(() => {
        now.set(Date.now());
        if (now() >= retryAt()) stop();
      }, 250);
    },
  };
}
