import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';

/** Remaining times (seconds) at which screen readers hear how long is left. */
const ANNOUNCE_AT_SECONDS = [10 * 60, 5 * 60, 60, 30] as const;
const TICK_MS = 250;

/**
 * Time left until the server's deadline. The browser's clock may be wrong, so the countdown runs
 * on the server's: `serverNow` in each response gives the offset between the two clocks.
 */
@Injectable()
export class Countdown {
  private deadlineMs: number | null = null;
  /** Server clock minus browser clock, in milliseconds. */
  private offsetMs = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private expired = false;
  private readonly announced = new Set<number>();

  private readonly remaining = signal<number | null>(null);
  private readonly announcement = signal('');

  /** Milliseconds left, `null` without a time limit; never negative. */
  readonly remainingMs = this.remaining.asReadonly();
  /** The latest threshold message for a live region ("5 minutes left"). */
  readonly lastAnnouncement = this.announcement.asReadonly();
  /** "14:05" or "1:02:09"; empty without a time limit. */
  readonly text = computed(() => {
    const ms = this.remaining();
    return ms === null ? '' : formatClock(ms);
  });
  /** How urgent the time is, for styling: under 5 minutes is low, under 1 minute critical. */
  readonly urgency = computed(() => {
    const ms = this.remaining();
    if (ms === null || ms > 5 * 60_000) return 'normal';
    return ms > 60_000 ? 'low' : 'critical';
  });

  /** Called once when the time is up. */
  onExpired: () => void = () => undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      clearInterval(this.timer);
    });
  }

  /** Starts (or corrects) the countdown from a server response. */
  start(deadline: string | null, serverNow: string): void {
    this.sync(serverNow);
    if (deadline === null) {
      this.deadlineMs = null;
      this.remaining.set(null);
      clearInterval(this.timer);
      return;
    }
    const first = this.deadlineMs === null;
    this.deadlineMs = Date.parse(deadline);
    if (first) {
      // Thresholds already behind us when the page opens are not news.
      const left = this.deadlineMs - this.serverNow();
      for (const seconds of ANNOUNCE_AT_SECONDS) {
        if (left <= seconds * 1000) this.announced.add(seconds);
      }
    }
    this.tick();
    clearInterval(this.timer);
    if (!this.expired)
      this.timer = setInterval(() => {
        this.tick();
      }, TICK_MS);
  }

  /** Updates the clock offset from a response's `serverNow`. */
  sync(serverNow: string): void {
    const server = Date.parse(serverNow);
    if (Number.isFinite(server)) this.offsetMs = server - Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private serverNow(): number {
    return Date.now() + this.offsetMs;
  }

  private tick(): void {
    if (this.deadlineMs === null) return;
    const left = Math.max(0, this.deadlineMs - this.serverNow());
    this.remaining.set(left);
    for (const seconds of ANNOUNCE_AT_SECONDS) {
      if (left <= seconds * 1000 && left > 0 && !this.announced.has(seconds)) {
        this.announced.add(seconds);
        this.announcement.set(`${describeSeconds(seconds)} left`);
      }
    }
    if (left === 0 && !this.expired) {
      this.expired = true;
      clearInterval(this.timer);
      this.announcement.set('Time is up. Your saved answers are being submitted.');
      this.onExpired();
    }
  }
}

/** Whole seconds, rounded up, as m:ss or h:mm:ss. */
export function formatClock(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** "5 minutes", "1 minute", "30 seconds". */
function describeSeconds(seconds: number): string {
  if (seconds >= 60) {
    const minutes = seconds / 60;
    return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  }
  return `${seconds} seconds`;
}

/** A spoken form of the time left ("12 minutes 5 seconds"), for the timer's label. */
export function describeRemaining(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (minutes) parts.push(`${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`);
  if (seconds || parts.length === 0)
    parts.push(`${seconds} ${seconds === 1 ? 'second' : 'seconds'}`);
  return parts.join(' ');
}
