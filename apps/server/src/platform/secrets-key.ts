/*
 * The key that encrypts the secrets Assay keeps in its database (signing keys, the web client's
 * secret, the sealing and cookie keys), so that a copy of the database alone cannot mint tokens.
 *
 * Each secret is stored as a compact JWE (`dir`, `A256GCM`): the protected header names the key
 * (`kid`, derived from the key) and the row the secret belongs to (`ctx`), both authenticated, so
 * a secret copied into another row does not open there. The key comes from `SECRETS_KEY`, with
 * `SECRETS_KEY_PREVIOUS` still accepted for reading while a rotation re-encrypts; on SQLite
 * without `SECRETS_KEY`, from a key file beside the database, created on first use.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';

import { ConfigError, decodeSecretsKey, GENERATE_KEY_HINT, type Config } from '../config.ts';

const KEY_BYTES = 32;
const ENVELOPE = { alg: 'dir', enc: 'A256GCM' } as const;

/** A new random key, base64url. */
export function generateSecretsKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** The key file used on SQLite when `SECRETS_KEY` is unset: `data/assay.db` → `data/assay.secrets-key`. */
export function secretsKeyFile(databaseFile: string): string {
  const { dir, name } = path.parse(databaseFile);
  return path.join(dir, `${name}.secrets-key`);
}

/** A stored secret cannot be opened: wrong or missing key, altered row, or not encrypted. */
export class SecretsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsKeyError';
  }
}

interface Key {
  readonly id: string;
  readonly bytes: Uint8Array;
}

function keyOf(bytes: Uint8Array): Key {
  // Names the key in envelopes and messages without revealing anything about it.
  const id = createHmac('sha256', bytes)
    .update('assay secrets key id')
    .digest()
    .subarray(0, 9)
    .toString('base64url');
  return { id, bytes };
}

/** Whether a stored value is an envelope (rather than a value from before encryption). */
export function isSealedSecret(value: string): boolean {
  return value.split('.').length === 5 && keyIdOf(value) !== undefined;
}

function keyIdOf(value: string): string | undefined {
  try {
    const header = decodeProtectedHeader(value);
    return header.alg === ENVELOPE.alg && header.enc === ENVELOPE.enc
      ? (header.kid ?? undefined)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Where the keys came from, for messages. */
export type KeySource =
  | { readonly kind: 'environment' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'memory' };

/** Options of {@link SecretsKeyring}. */
export interface SecretsKeyringOptions {
  /** The key new envelopes are sealed with; undefined until `createCurrent` makes it. */
  readonly current: Uint8Array | undefined;
  /** Keys envelopes may still be sealed with (being rotated away from). */
  readonly previous?: readonly Uint8Array[];
  readonly source: KeySource;
  /** Makes the current key on first use (the SQLite key file). */
  readonly createCurrent?: () => Promise<Uint8Array>;
}

/** Seals and opens secrets at rest. */
export class SecretsKeyring {
  readonly #keys = new Map<string, Key>();
  readonly #source: KeySource;
  readonly #createCurrent: (() => Promise<Uint8Array>) | undefined;
  #current: Promise<Key> | undefined;

  constructor(options: SecretsKeyringOptions) {
    this.#source = options.source;
    this.#createCurrent = options.createCurrent;
    for (const bytes of options.previous ?? []) {
      const key = keyOf(bytes);
      this.#keys.set(key.id, key);
    }
    if (options.current !== undefined) {
      const key = keyOf(options.current);
      this.#keys.set(key.id, key);
      this.#current = Promise.resolve(key);
    }
  }

  /** The id of the key new envelopes are sealed with (made on first use if need be). */
  async currentKeyId(): Promise<string> {
    return (await this.#currentKey()).id;
  }

  async #currentKey(): Promise<Key> {
    if (this.#current === undefined) {
      const create = this.#createCurrent;
      if (create === undefined) throw new SecretsKeyError('No key to encrypt secrets with');
      this.#current = create().then((bytes) => {
        const key = keyOf(bytes);
        this.#keys.set(key.id, key);
        return key;
      });
      this.#current.catch(() => {
        this.#current = undefined;
      });
    }
    return this.#current;
  }

  /** Encrypts `plaintext` for the row named `context` (e.g. `secrets/cookie_keys`). */
  async seal(plaintext: string, context: string): Promise<string> {
    const key = await this.#currentKey();
    return new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ ...ENVELOPE, kid: key.id, ctx: context })
      .encrypt(key.bytes);
  }

  /** Whether `sealed` is already an envelope under the current key. */
  async isCurrent(sealed: string): Promise<boolean> {
    return keyIdOf(sealed) === (await this.#currentKey()).id;
  }

  /** Decrypts an envelope sealed for `context`; throws {@link SecretsKeyError} with the reason. */
  async open(sealed: string, context: string): Promise<string> {
    if (!isSealedSecret(sealed)) {
      throw new SecretsKeyError(
        `The stored secret ${context} is not encrypted; run the migrations (npm run assay -- db migrate)`,
      );
    }
    const kid = keyIdOf(sealed) ?? '';
    const key = this.#keys.get(kid) ?? (await this.#keyFromFile(kid));
    if (key === undefined) throw new SecretsKeyError(this.#unknownKeyMessage(kid));
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(sealed, key.bytes, {
        keyManagementAlgorithms: [ENVELOPE.alg],
        contentEncryptionAlgorithms: [ENVELOPE.enc],
      });
      if (protectedHeader['ctx'] !== context) throw new Error('another row');
      return new TextDecoder().decode(plaintext);
    } catch {
      throw new SecretsKeyError(
        `The stored secret ${context} does not decrypt with key ${kid}: it was altered or copied from another row`,
      );
    }
  }

  /**
   * Re-encrypts under the current key each of `rows` whose envelope (sealed for its context) is
   * under an older key, and stores it with `write`; returns how many were.
   */
  async resealEach<Row>(
    rows: readonly Row[],
    envelopeOf: (row: Row) => { readonly sealed: string; readonly context: string },
    write: (row: Row, resealed: string) => Promise<unknown>,
  ): Promise<number> {
    let resealed = 0;
    for (const row of rows) {
      const { sealed, context } = envelopeOf(row);
      if (await this.isCurrent(sealed)) continue;
      await write(row, await this.seal(await this.open(sealed, context), context));
      resealed++;
    }
    return resealed;
  }

  /**
   * Re-reads the key file, which another process may have created or rotated (`secrets rotate`
   * writes the new key first, so a running server follows it without a restart).
   */
  async #keyFromFile(kid: string): Promise<Key | undefined> {
    if (this.#source.kind !== 'file') return undefined;
    const keys = await readKeyFile(this.#source.file);
    if (keys === undefined) return undefined;
    const [current, ...previous] = keys.map(keyOf);
    for (const key of [...previous, ...(current === undefined ? [] : [current])]) {
      this.#keys.set(key.id, key);
    }
    if (current !== undefined) this.#current = Promise.resolve(current);
    return this.#keys.get(kid);
  }

  #unknownKeyMessage(kid: string): string {
    const ids = [...this.#keys.keys()].join(', ');
    const intro = `The stored secrets are encrypted with key ${kid}`;
    switch (this.#source.kind) {
      case 'environment':
        return (
          `${intro}, but SECRETS_KEY${this.#keys.size > 1 ? ' and SECRETS_KEY_PREVIOUS hold keys' : ' is key'} ${ids}. ` +
          'Set SECRETS_KEY to the key this database was encrypted with (while rotating, keep the old one in SECRETS_KEY_PREVIOUS).'
        );
      case 'file':
        return this.#keys.size === 0
          ? `${intro}, but the key file ${this.#source.file} is missing. Restore it from your backup, or set SECRETS_KEY to that key.`
          : `${intro}, but the key file ${this.#source.file} holds key ${ids}. Restore the key file of this database from your backup, or set SECRETS_KEY to that key.`;
      case 'memory':
        return `${intro}, which this process does not have`;
    }
  }
}

/** Reads a key file: one key per line, the current one first; undefined if there is none. */
async function readKeyFile(file: string): Promise<Uint8Array[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const keys = lines.map(decodeSecretsKey);
  if (keys.length === 0 || keys.some((key) => key === undefined)) {
    throw new SecretsKeyError(
      `The key file ${file} must hold one key per line (32 bytes, base64 or hex), the current one first`,
    );
  }
  return keys as Uint8Array[];
}

function keyFileText(keys: readonly Uint8Array[]): string {
  return keys.map((key) => `${Buffer.from(key).toString('base64url')}\n`).join('');
}

/** Writes a key file readable by its owner only, whole or not at all. */
async function writeKeyFile(file: string, keys: readonly Uint8Array[]): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, keyFileText(keys), { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
}

/** Creates the key file with a new key unless another process just did; returns the current key. */
async function createKeyFile(file: string): Promise<Uint8Array> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, keyFileText([randomBytes(KEY_BYTES)]), { mode: 0o600, flag: 'wx' });
  try {
    // link() never replaces: of two processes starting together, one key file wins.
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const [current] = (await readKeyFile(file)) ?? [];
  if (current === undefined) throw new SecretsKeyError(`The key file ${file} could not be created`);
  return current;
}

function fromBase64url(key: string): Uint8Array {
  return new Uint8Array(Buffer.from(key, 'base64url'));
}

/**
 * The keyring the configuration names: `SECRETS_KEY` (and `SECRETS_KEY_PREVIOUS`); on SQLite
 * without it, the key file beside the database (made when the first secret is sealed); for an
 * in-memory database, a key of its own. Throws `ConfigError` on PostgreSQL without a key.
 */
export async function openSecretsKeyring(
  config: Pick<Config, 'database' | 'secrets'>,
): Promise<SecretsKeyring> {
  const { key, previousKeys } = config.secrets;
  const previous = previousKeys.map(fromBase64url);
  if (key !== undefined) {
    return new SecretsKeyring({
      current: fromBase64url(key),
      previous,
      source: { kind: 'environment' },
    });
  }
  const { target } = config.database;
  if (target.engine === 'postgres') {
    throw new ConfigError([
      {
        variable: 'SECRETS_KEY',
        problem:
          'must be set when DATABASE_URL is PostgreSQL (every instance needs the same key to read ' +
          `the secrets stored in the database). Generate one with ${GENERATE_KEY_HINT}, and keep ` +
          'a copy apart from the database backups',
      },
    ]);
  }
  if (target.file === ':memory:') {
    return new SecretsKeyring({ current: randomBytes(KEY_BYTES), source: { kind: 'memory' } });
  }
  const file = secretsKeyFile(target.file);
  const [current, ...fromFile] = (await readKeyFile(file)) ?? [];
  return new SecretsKeyring({
    current,
    previous: [...fromFile, ...previous],
    source: { kind: 'file', file },
    createCurrent: () => createKeyFile(file),
  });
}

/**
 * Replaces the SQLite key file's key with a new one: the new key is written first, with the old
 * ones kept after it, then `reseal` re-encrypts every secret, then the old keys are dropped. A
 * crash at any point leaves a key file that opens every secret.
 */
export async function rotateSecretsKeyFile<T>(
  file: string,
  reseal: (keyring: SecretsKeyring) => Promise<T>,
): Promise<T> {
  const old = (await readKeyFile(file)) ?? [];
  const next = new Uint8Array(randomBytes(KEY_BYTES));
  await mkdir(path.dirname(file), { recursive: true });
  await writeKeyFile(file, [next, ...old]);
  const result = await reseal(
    new SecretsKeyring({ current: next, previous: old, source: { kind: 'file', file } }),
  );
  await writeKeyFile(file, [next]);
  return result;
}
