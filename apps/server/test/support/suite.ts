import { after, afterEach, before, beforeEach } from 'node:test';

type Dispose<T> = (value: T) => Promise<void>;
const close: Dispose<{ close(): Promise<void> }> = (value) => value.close();

/** Stands for a value the hooks create later: reading a member before then is a test bug. */
function standIn<T extends object>(current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      if (value === undefined) throw new Error('Read inside a test or hook, once it is created');
      return Reflect.get(value, key) as unknown;
    },
  });
}

/** Creates the value in `setUp` and disposes of it in `tearDown`, both hooks of the enclosing suite. */
function hooked<T extends object>(
  setUp: typeof before,
  tearDown: typeof after,
  create: () => Promise<T>,
  dispose: Dispose<T>,
): T {
  let value: T | undefined;
  setUp(async () => {
    value = await create();
  });
  tearDown(async () => {
    if (value !== undefined) await dispose(value);
    value = undefined;
  });
  return standIn(() => value);
}

/**
 * Registers hooks in the enclosing suite: `create` before its tests, `dispose` (by default
 * `close()`) after them. Returns a stand-in for the created value, to use inside tests and hooks.
 */
export function forSuite<T extends { close(): Promise<void> }>(create: () => Promise<T>): T;
export function forSuite<T extends object>(create: () => Promise<T>, dispose: Dispose<T>): T;
export function forSuite<T extends object>(
  create: () => Promise<T>,
  dispose: Dispose<T> = close as unknown as Dispose<T>,
): T {
  return hooked(before, after, create, dispose);
}

/** As `forSuite`, but a fresh value for each test. */
export function forEachTest<T extends object>(create: () => Promise<T>, dispose: Dispose<T>): T {
  return hooked(beforeEach, afterEach, create, dispose);
}
