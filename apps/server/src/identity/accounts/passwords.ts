import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/** Argon2id cost parameters, in the units of RFC 9106 / the PHC string (`m` in KiB). */
export interface Argon2Parameters {
  /** Memory in KiB. */
  readonly memory: number;
  /** Number of passes (iterations). */
  readonly passes: number;
  /** Degree of parallelism (lanes). */
  readonly parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, first argon2id option: 19 MiB, 2 passes, 1 lane.
 * Raising any of these later is safe: stored hashes carry their own parameters and
 * {@link verifyPassword} reports `needsRehash` so they are upgraded at the next sign-in.
 */
export const DEFAULT_ARGON2_PARAMETERS: Argon2Parameters = Object.freeze({
  memory: 19_456,
  passes: 2,
  parallelism: 1,
});

const SALT_BYTES = 16;
const TAG_BYTES = 32;
const ARGON2_VERSION = 19;

// Bounds on what we accept from a stored string, so a corrupted or hostile row cannot make
// verification allocate gigabytes or spin for minutes.
const MAX_MEMORY_KIB = 1_048_576;
const MAX_PASSES = 16;
const MAX_PARALLELISM = 16;

interface ParsedHash {
  readonly parameters: Argon2Parameters;
  readonly salt: Buffer;
  readonly tag: Buffer;
}

function deriveTag(
  password: string,
  salt: Buffer,
  parameters: Argon2Parameters,
  tagLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: password.normalize('NFKC'),
        nonce: salt,
        memory: parameters.memory,
        passes: parameters.passes,
        parallelism: parameters.parallelism,
        tagLength,
      },
      (error, derived) => {
        if (error) reject(error);
        else resolve(derived);
      },
    );
  });
}

// PHC strings use standard base64 without padding.
function encodeB64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

const B64_PATTERN = /^[A-Za-z0-9+/]+$/;

function decodeB64(text: string): Buffer | undefined {
  if (!B64_PATTERN.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** Formats a PHC string: `$argon2id$v=19$m=…,t=…,p=…$<salt>$<tag>`. */
function formatPhc(parameters: Argon2Parameters, salt: Buffer, tag: Buffer): string {
  const { memory, passes, parallelism } = parameters;
  return `$argon2id$v=${ARGON2_VERSION}$m=${memory},t=${passes},p=${parallelism}$${encodeB64(salt)}$${encodeB64(tag)}`;
}

function parsePositiveInt(text: string | undefined, max: number): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/** Parses an argon2id PHC string; `undefined` when it is not one we can verify. */
export function parsePasswordHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  // ['', 'argon2id', 'v=19', 'm=…,t=…,p=…', salt, tag]
  if (parts.length !== 6 || parts[0] !== '' || parts[1] !== 'argon2id') return undefined;
  if (parts[2] !== `v=${ARGON2_VERSION}`) return undefined;

  const fields = new Map<string, string>();
  for (const pair of (parts[3] ?? '').split(',')) {
    const [key, value, extra] = pair.split('=');
    if (key === undefined || value === undefined || extra !== undefined || fields.has(key)) {
      return undefined;
    }
    fields.set(key, value);
  }
  if (fields.size !== 3) return undefined;
  const memory = parsePositiveInt(fields.get('m'), MAX_MEMORY_KIB);
  const passes = parsePositiveInt(fields.get('t'), MAX_PASSES);
  const parallelism = parsePositiveInt(fields.get('p'), MAX_PARALLELISM);
  if (memory === undefined || passes === undefined || parallelism === undefined) return undefined;
  // RFC 9106: memory must be at least 8 × parallelism KiB.
  if (memory < 8 * parallelism) return undefined;

  const salt = decodeB64(parts[4] ?? '');
  const tag = decodeB64(parts[5] ?? '');
  if (!salt || !tag || salt.length < 8 || tag.length < 16 || tag.length > 64) return undefined;

  return { parameters: { memory, passes, parallelism }, salt, tag };
}

/** Hashes a password with argon2id and a fresh random salt, returning a PHC string. */
export async function hashPassword(
  password: string,
  parameters: Argon2Parameters = DEFAULT_ARGON2_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await deriveTag(password, salt, parameters, TAG_BYTES);
  return formatPhc(parameters, salt, tag);
}

/**
 * A well-formed hash with the default parameters whose preimage nobody knows (random salt and
 * tag): store it for accounts that must not sign in with a password. (For an unknown account,
 * {@link verifyPassword} derives against a fresh target of the same shape, so an unknown user
 * costs exactly one argon2id derivation, like a wrong password.)
 */
export const DUMMY_HASH: string = formatPhc(
  DEFAULT_ARGON2_PARAMETERS,
  randomBytes(SALT_BYTES),
  randomBytes(TAG_BYTES),
);

export interface PasswordVerification {
  readonly valid: boolean;
  /**
   * True when the password was correct but the stored hash uses parameters other than the
   * current ones: the caller should store a fresh {@link hashPassword} result.
   */
  readonly needsRehash: boolean;
}

/**
 * Verifies a password against a stored PHC string in constant time. Pass `undefined` for an
 * unknown account: the dummy hash is verified instead and the answer is always invalid.
 * An unparseable stored value is treated as a wrong password (and still costs one hash).
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
  current: Argon2Parameters = DEFAULT_ARGON2_PARAMETERS,
): Promise<PasswordVerification> {
  const parsed = stored === undefined ? undefined : parsePasswordHash(stored);
  // Unknown account or unusable stored value: same work, with the current parameters.
  const target: ParsedHash = parsed ?? {
    parameters: current,
    salt: randomBytes(SALT_BYTES),
    tag: randomBytes(TAG_BYTES),
  };

  const derived = await deriveTag(password, target.salt, target.parameters, target.tag.length);
  const matches = timingSafeEqual(derived, target.tag);
  const valid = parsed !== undefined && matches;

  const { parameters } = target;
  const needsRehash =
    valid &&
    (parameters.memory !== current.memory ||
      parameters.passes !== current.passes ||
      parameters.parallelism !== current.parallelism ||
      target.tag.length !== TAG_BYTES ||
      target.salt.length !== SALT_BYTES);
  return { valid, needsRehash };
}
