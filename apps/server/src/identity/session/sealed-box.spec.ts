import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { CompactEncrypt, decodeProtectedHeader } from 'jose';

import { SealedBox } from './sealed-box.ts';

const secret = randomBytes(32).toString('base64url');

/** Replaces the character at `index` of `value` by another base64url character. */
function flip(value: string, index: number): string {
  const replacement = value[index] === 'A' ? 'B' : 'A';
  return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
}

describe('SealedBox', () => {
  it('opens what it sealed, as a compact JWE (dir, A256GCM) naming its context', async () => {
    const box = new SealedBox(secret, 'tokens');
    const sealed = await box.seal('{"accessToken":"a.b.c"}', 'session-1');
    assert.equal(sealed.split('.').length, 5);
    assert.deepEqual(decodeProtectedHeader(sealed), {
      alg: 'dir',
      enc: 'A256GCM',
      ctx: 'session-1',
    });
    assert.equal(await box.open(sealed, 'session-1'), '{"accessToken":"a.b.c"}');
    assert.notEqual(await box.seal('same', 'x'), await box.seal('same', 'x'), 'a fresh IV each');
  });

  it('does not open for another context, purpose or secret', async () => {
    const sealed = await new SealedBox(secret, 'tokens').seal('plaintext', 'session-1');
    assert.equal(await new SealedBox(secret, 'tokens').open(sealed, 'session-2'), undefined);
    assert.equal(await new SealedBox(secret, 'login').open(sealed, 'session-1'), undefined);
    const otherSecret = randomBytes(32).toString('base64url');
    assert.equal(await new SealedBox(otherSecret, 'tokens').open(sealed, 'session-1'), undefined);
  });

  it('does not open when any part was altered, nor garbage', async () => {
    const box = new SealedBox(secret, 'tokens');
    const sealed = await box.seal('plaintext', 'session-1');
    const [header = '', , iv = '', ciphertext = '', tag = ''] = sealed.split('.');
    const forged = Buffer.from(
      JSON.stringify({ alg: 'dir', enc: 'A256GCM', ctx: 'session-2' }),
    ).toString('base64url');
    for (const altered of [
      sealed.replace(header, forged),
      sealed.replace(iv, flip(iv, 3)),
      sealed.replace(ciphertext, flip(ciphertext, 2)),
      sealed.replace(tag, flip(tag, 5)),
      sealed.slice(0, -2),
      '',
      'not a box',
      '....',
    ]) {
      assert.equal(await box.open(altered, 'session-1'), undefined, altered);
    }
  });

  it('refuses other JWE algorithms, even under the right key', async () => {
    const key = new Uint8Array(
      hkdfSync('sha256', Buffer.from(secret, 'base64url'), Buffer.alloc(0), 'tokens', 32),
    );
    const wrapped = await new CompactEncrypt(new TextEncoder().encode('plaintext'))
      .setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM', ctx: 'session-1' })
      .encrypt(key);
    assert.equal(await new SealedBox(secret, 'tokens').open(wrapped, 'session-1'), undefined);
  });

  it('does not open a box of the format before JWE (base64url iv, tag, data)', async () => {
    const key = hkdfSync('sha256', Buffer.from(secret, 'base64url'), Buffer.alloc(0), 'tokens', 32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), iv);
    cipher.setAAD(Buffer.from('session-1'));
    const data = Buffer.concat([cipher.update('plaintext', 'utf8'), cipher.final()]);
    const old = Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
    assert.equal(await new SealedBox(secret, 'tokens').open(old, 'session-1'), undefined);
  });
});
