/*
 * The embedded provider's signing keys, shared by every instance through `signing_keys`.
 *
 * Rotation without a spurious 401: `rotateSigningKeys` publishes the new key at once but lets
 * it sign only from `active_from` = now + activation delay. Every instance reloads the key set
 * at least once per reload interval (shorter than the delay), so each one verifies the new key
 * before any instance signs with it. The old key keeps signing until then and stays published
 * until every token it signed has expired (`not_after`).
 */
import { randomUUID } from 'node:crypto';

import { createLocalJWKSet, errors, exportJWK, generateKeyPair } from 'jose';
import type { JSONWebKeySet, JWK, JWTVerifyGetKey } from 'jose';

import type { SigningKeyRow, SigningKeysRepository } from './signing-keys.repository.ts';

/** The algorithm of every key the embedded provider generates. */
export const SIGNING_ALGORITHM = 'ES256';
/** How often each instance re-reads the key set. */
export const DEFAULT_KEY_RELOAD_INTERVAL_MS = 10_000;
/** How long a rotated-in key is published before it signs (> reload interval, with margin). */
export const DEFAULT_KEY_ACTIVATION_DELAY_MS = 30_000;
/** The longest lifetime of anything signed (access and ID tokens), in seconds. */
export const MAX_SIGNED_TOKEN_TTL_SECONDS = 15 * 60;
/** Clock skew verifiers accept, in seconds. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

async function generateRow(now: Date, activeFrom: Date): Promise<SigningKeyRow> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  return {
    kid,
    alg: SIGNING_ALGORITHM,
    private_jwk: JSON.stringify(jwk),
    created_at: now.toISOString(),
    active_from: activeFrom.toISOString(),
    retired_at: null,
    not_after: null,
  };
}

/** Options of {@link rotateSigningKeys}. */
export interface RotateOptions {
  readonly now?: Date;
  /** Publication before signing; default {@link DEFAULT_KEY_ACTIVATION_DELAY_MS}. */
  readonly activationDelayMs?: number;
  /** Each instance's reload interval; default {@link DEFAULT_KEY_RELOAD_INTERVAL_MS}. */
  readonly reloadIntervalMs?: number;
}

/** What a rotation did. */
export interface RotationResult {
  readonly kid: string;
  readonly activeFrom: string;
  readonly retired: readonly { readonly kid: string; readonly notAfter: string }[];
}

/**
 * Adds a new ES256 key that signs from now + activation delay and retires the current ones:
 * they stay published until every token they can still sign has expired.
 */
export async function rotateSigningKeys(
  repository: SigningKeysRepository,
  options: RotateOptions = {},
): Promise<RotationResult> {
  const now = options.now ?? new Date();
  const activationDelayMs = options.activationDelayMs ?? DEFAULT_KEY_ACTIVATION_DELAY_MS;
  const reloadIntervalMs = options.reloadIntervalMs ?? DEFAULT_KEY_RELOAD_INTERVAL_MS;
  const activeFrom = new Date(now.getTime() + activationDelayMs);
  // An instance that has not reloaded yet may sign with the old key for one more interval.
  const notAfter = new Date(
    activeFrom.getTime() +
      reloadIntervalMs +
      (MAX_SIGNED_TOKEN_TTL_SECONDS + MAX_CLOCK_SKEW_SECONDS) * 1000,
  ).toISOString();
  const next = await generateRow(now, activeFrom);
  const retired = await repository.rotate(next, notAfter);
  return {
    kid: next.kid,
    activeFrom: next.active_from,
    retired: retired.map((kid) => ({ kid, notAfter })),
  };
}

/** The key set as loaded at one moment. */
export interface KeySetSnapshot {
  /** Private JWKs for the provider, the signer first. */
  readonly privateJwks: readonly JWK[];
  /** Public JWKs of every published key. */
  readonly publicJwks: JSONWebKeySet;
  readonly signerKid: string;
  /** Changes whenever the signer or the published set changes. */
  readonly fingerprint: string;
}

function toPublic(jwk: JWK): JWK {
  return Object.fromEntries(
    Object.entries(jwk).filter(([name]) => !(PRIVATE_MEMBERS as readonly string[]).includes(name)),
  );
}

function snapshotOf(rows: readonly SigningKeyRow[], nowMs: number): KeySetSnapshot | undefined {
  const active = rows.filter(
    (row) =>
      Date.parse(row.active_from) <= nowMs &&
      (row.retired_at === null || Date.parse(row.retired_at) > nowMs),
  );
  // Newest active key signs; if a retirement raced ahead of an activation, the newest started.
  const signer = active.at(-1) ?? rows.filter((row) => Date.parse(row.active_from) <= nowMs).at(-1);
  if (signer === undefined) return undefined;
  const ordered = [signer, ...rows.filter((row) => row !== signer)];
  const privateJwks = ordered.map((row) => JSON.parse(row.private_jwk) as JWK);
  return {
    privateJwks,
    publicJwks: { keys: privateJwks.map(toPublic) },
    signerKid: signer.kid,
    fingerprint: ordered.map((row) => row.kid).join(','),
  };
}

/** Options of {@link SigningKeyRing}. */
export interface SigningKeyRingOptions {
  readonly now?: () => number;
  /** Minimum time between reloads caused by an unknown `kid`. Default 1 s. */
  readonly unknownKidCooldownMs?: number;
}

/**
 * The current key set of this instance, reloaded from the database on demand. Also the API's
 * key resolver for the embedded issuer: verification happens in process, against the same
 * rows, and an unknown `kid` triggers a reload (at most once per cooldown).
 */
export class SigningKeyRing {
  readonly #repository: SigningKeysRepository;
  readonly #now: () => number;
  readonly #cooldownMs: number;
  #snapshot: KeySetSnapshot | undefined;
  #localSet: JWTVerifyGetKey | undefined;
  #loading: Promise<KeySetSnapshot> | undefined;
  #lastLoadMs = 0;

  constructor(repository: SigningKeysRepository, options: SigningKeyRingOptions = {}) {
    this.#repository = repository;
    this.#now = options.now ?? Date.now;
    this.#cooldownMs = options.unknownKidCooldownMs ?? 1000;
  }

  /** Loads the key set, generating the first key if there is none. */
  async load(): Promise<KeySetSnapshot> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<KeySetSnapshot> {
    const nowMs = this.#now();
    this.#lastLoadMs = nowMs;
    let rows = await this.#repository.listPublished(new Date(nowMs).toISOString());
    let snapshot = snapshotOf(rows, nowMs);
    if (snapshot === undefined) {
      const now = new Date(nowMs);
      await this.#repository.insertFirst(await generateRow(now, now));
      rows = await this.#repository.listPublished(now.toISOString());
      snapshot = snapshotOf(rows, nowMs);
      if (snapshot === undefined) throw new Error('No signing key could be created');
    }
    if (snapshot.fingerprint !== this.#snapshot?.fingerprint) {
      this.#localSet = createLocalJWKSet(snapshot.publicJwks);
    }
    this.#snapshot = snapshot;
    return snapshot;
  }

  /** The last loaded key set. */
  get current(): KeySetSnapshot {
    if (this.#snapshot === undefined) throw new Error('The signing keys have not been loaded');
    return this.#snapshot;
  }

  /** jose key resolver over the published keys; reloads once on an unknown `kid`. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const resolve = async () => {
      if (this.#localSet === undefined) await this.load();
      if (this.#localSet === undefined) throw new Error('The signing keys have not been loaded');
      return this.#localSet(header, token);
    };
    try {
      return await resolve();
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (this.#now() - this.#lastLoadMs < this.#cooldownMs && this.#loading === undefined) {
        throw error;
      }
      await this.load();
      return resolve();
    }
  };
}
