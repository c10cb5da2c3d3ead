import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

import { CompactEncrypt, compactDecrypt } from 'jose';

const ENVELOPE = { alg: 'dir', enc: 'A256GCM' } as const;

/**
 * A compact JWE (`dir`, `A256GCM`) under a key derived (HKDF-SHA256) from a server secret and a
 * purpose, so one stored secret serves several uses without reusing a key. `context` goes into
 * the protected header, which the tag authenticates: a box sealed for one session does not open
 * for another.
 */
export class SealedBox {
  // A KeyObject rather than bytes: jose then imports the key once, not at every call.
  readonly #key: KeyObject;

  constructor(secret: string, purpose: string) {
    this.#key = createSecretKey(
      new Uint8Array(
        hkdfSync('sha256', Buffer.from(secret, 'base64url'), Buffer.alloc(0), purpose, 32),
      ),
    );
  }

  seal(plaintext: string, context: string): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ ...ENVELOPE, ctx: context })
      .encrypt(this.#key);
  }

  /** The plaintext, or undefined when the box was tampered with or sealed elsewhere. */
  async open(sealed: string, context: string): Promise<string | undefined> {
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(sealed, this.#key, {
        keyManagementAlgorithms: [ENVELOPE.alg],
        contentEncryptionAlgorithms: [ENVELOPE.enc],
      });
      return protectedHeader['ctx'] === context ? new TextDecoder().decode(plaintext) : undefined;
    } catch {
      return undefined;
    }
  }
}
