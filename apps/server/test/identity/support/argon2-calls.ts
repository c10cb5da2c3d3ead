import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import type { TestContext } from 'node:test';

/** One argon2 derivation, as far as its cost goes. */
export interface Argon2Call {
  readonly algorithm: string;
  readonly memory: number;
  readonly passes: number;
  readonly parallelism: number;
  readonly tagLength: number;
  readonly nonceLength: number;
}

/**
 * Records every argon2 derivation this process makes until the test ends (a server built in
 * the same process included), so tests assert the work done rather than the wall clock, which
 * is noise on a loaded machine. Clear the returned array to start counting afresh.
 */
export function recordArgon2(t: TestContext): Argon2Call[] {
  const calls: Argon2Call[] = [];
  const original = crypto.argon2;
  t.mock.method(crypto, 'argon2', ((
    algorithm: string,
    parameters: crypto.Argon2Parameters,
    callback: (error: Error | null, derived: Buffer) => void,
  ) => {
    const { memory, passes, parallelism, tagLength, nonce } = parameters;
    const nonceLength = Buffer.from(nonce as Uint8Array).length;
    calls.push({ algorithm, memory, passes, parallelism, tagLength, nonceLength });
    original(algorithm as 'argon2id', parameters, callback);
  }) as typeof crypto.argon2);
  syncBuiltinESMExports();
  t.after(() => {
    t.mock.restoreAll();
    syncBuiltinESMExports();
  });
  return calls;
}
