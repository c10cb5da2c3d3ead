// What the in-process benchmarks share: each variant runs for a short, fixed time per round,
// variants take turns round after round (so that a busy moment of the machine falls on all of
// them), and the figure of a variant is the median of its rounds.

/** A variant's work: one call of what is measured. */
export type Work = () => unknown;

export interface CompareOptions {
  /** Rounds per variant (default 7). */
  readonly rounds?: number;
  /** Milliseconds per variant and round (default 150). */
  readonly milliseconds?: number;
  /** Calls between two readings of the clock (default 50). */
  readonly batch?: number;
}

export function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The value at percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function microsecondsPerCall(work: Work, milliseconds: number, batch: number) {
  let calls = 0;
  const started = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < batch; i++) {
      const result = work();
      if (result instanceof Promise) await result;
    }
    calls += batch;
    elapsed = performance.now() - started;
  } while (elapsed < milliseconds);
  return (elapsed * 1000) / calls;
}

/** Microseconds per call of each variant (median of its rounds), in the order given. */
export async function compare(
  variants: Readonly<Record<string, Work>>,
  options: CompareOptions = {},
): Promise<Map<string, number>> {
  const { rounds = 7, milliseconds = 150, batch = 50 } = options;
  const names = Object.keys(variants);
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  // A first, unmeasured turn each: JIT, caches.
  for (const name of names) await microsecondsPerCall(variants[name] as Work, 50, batch);
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      samples
        .get(name)
        ?.push(await microsecondsPerCall(variants[name] as Work, milliseconds, batch));
    }
  }
  return new Map(names.map((name) => [name, median(samples.get(name) ?? [])]));
}

/**
 * Prints `figures` (µs per call) as a table, each beside `baseline`'s figure: `× baseline` above
 * 1 is slower than the baseline.
 */
export function printComparison(
  title: string,
  figures: ReadonlyMap<string, number>,
  baseline: string,
): void {
  const base = figures.get(baseline) ?? Number.NaN;
  console.log(`\n${title}`);
  console.log(`  ${'variant'.padEnd(58)} ${'µs/call'.padStart(10)} ${'× baseline'.padStart(11)}`);
  for (const [name, value] of figures) {
    const mark = name === baseline ? ' (baseline)' : '';
    console.log(
      `  ${(name + mark).padEnd(58)} ${value.toFixed(2).padStart(10)} ${(value / base).toFixed(2).padStart(11)}`,
    );
  }
}
