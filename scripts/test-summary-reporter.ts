// A node:test reporter for scripts/test.ts: writes the run's closing counts as one line of JSON,
// so the counts are read from the runner itself rather than from its printed output.
import type { TestEvent } from 'node:test/reporters';

export interface TestSummary {
  passed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
}

export default async function* summary(
  source: AsyncIterable<TestEvent>,
): AsyncGenerator<string, void> {
  for await (const event of source) {
    // Each test file reports a summary of its own; the one without a file closes the whole run.
    if (event.type === 'test:summary' && event.data.file === undefined) {
      // `failed` is documented (Node's test:summary event) but missing from @types/node.
      const { passed, failed, cancelled, skipped, todo } = event.data
        .counts as typeof event.data.counts & { failed: number };
      const counts: TestSummary = { passed, failed, cancelled, skipped, todo };
      yield `${JSON.stringify(counts)}\n`;
    }
  }
}
