import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_ARGON2_PARAMETERS,
  DUMMY_HASH,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from './passwords.ts';
import { recordArgon2 } from '../../../test/identity/support/argon2-calls.ts';

/**
 * Asserts that `right` verifies against `stored`, saying whether to rehash it, and that `wrong`
 * does not (a refused password never asks for a rehash).
 */
async function assertVerifies(
  stored: string,
  right: string,
  wrong: string,
  { needsRehash }: { needsRehash: boolean },
): Promise<void> {
  assert.deepEqual(await verifyPassword(right, stored), { valid: true, needsRehash });
  assert.deepEqual(await verifyPassword(wrong, stored), { valid: false, needsRehash: false });
}

describe('passwords', () => {
  it('stores a standard argon2id PHC string at OWASP parameters', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.match(
      stored,
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    const parsed = parsePasswordHash(stored);
    assert.deepEqual(parsed?.parameters, DEFAULT_ARGON2_PARAMETERS);
    assert.equal(parsed.salt.length, 16);
    assert.equal(parsed.tag.length, 32);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password'),
      hashPassword('same password'),
    ]);
    assert.notEqual(a, b);
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await assertVerifies(stored, 'correct horse battery staple', 'correct horse battery stapler', {
      needsRehash: false,
    });
  });

  it('treats canonically equivalent Unicode forms as the same password (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait');
    assert.equal((await verifyPassword('cafe\u0301 au lait', stored)).valid, true);
  });

  it('verifies a known reference vector (interoperable with other argon2 libraries)', async () => {
    // Produced by the reference implementation: `echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32`.
    const stored =
      '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    const result = await verifyPassword('password', stored);
    assert.equal(result.valid, true);
    assert.equal(result.needsRehash, true, 'different parameters than current must be upgraded');
  });

  it('reads the parameters stored in the hash, so they can be raised later', async () => {
    const weaker = await hashPassword('a password to upgrade', {
      memory: 8192,
      passes: 1,
      parallelism: 1,
    });
    await assertVerifies(weaker, 'a password to upgrade', 'not the password', {
      needsRehash: true,
    });
  });

  it('refuses an unknown account through the dummy path', async () => {
    assert.deepEqual(await verifyPassword('anything at all', undefined), {
      valid: false,
      needsRehash: false,
    });
    assert.ok(parsePasswordHash(DUMMY_HASH), 'the dummy hash is well-formed');
    assert.equal((await verifyPassword('anything at all', DUMMY_HASH)).valid, false);
  });

  it('derives one argon2id tag at the current parameters for an unknown account too', async (t) => {
    // Same cost for unknown user and wrong password, asserted on the work done rather than on
    // the wall clock (which is noise on a loaded machine): record every argon2 call.
    const calls = recordArgon2(t);

    const stored = await hashPassword('correct horse battery staple');
    calls.length = 0;
    await verifyPassword('wrong password', stored);
    await verifyPassword('wrong password', undefined);
    assert.equal(calls.length, 2);
    const [wrong, unknown] = calls;
    assert.deepEqual(unknown, wrong);
    assert.deepEqual(unknown, {
      algorithm: 'argon2id',
      ...DEFAULT_ARGON2_PARAMETERS,
      tagLength: 32,
      nonceLength: 16,
    });
  });

  it('rejects malformed or hostile stored values without throwing', async () => {
    const good = await hashPassword('pw for malformed tests');
    const [, , , , salt, tag] = good.split('$');
    const hostile = [
      '',
      'plaintext-password',
      `$argon2i$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=16$m=19456,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=99999999,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=1000,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2,p=1,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2,p=1$${salt}`,
      `$argon2id$v=19$m=19456,t=2,p=1$${salt}$!!!`,
      `$argon2id$v=19$m=019456,t=2,p=1$${salt}$${tag}`,
    ];
    for (const stored of hostile) {
      assert.equal(parsePasswordHash(stored), undefined, stored);
      assert.equal((await verifyPassword('pw for malformed tests', stored)).valid, false, stored);
    }
  });
});
