import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { errors, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { Kysely } from 'kysely';

import { up } from '../../../migrations/20261122090000_identity.ts';
import { SecretsKeyring } from '../../platform/secrets-key.ts';
import { NodeSqliteDialect } from '../../platform/sqlite-dialect.ts';
import type { IdentityTables } from '../identity-tables.ts';
import {
  MAX_CLOCK_SKEW_SECONDS,
  MAX_SIGNED_TOKEN_TTL_SECONDS,
  rotateSigningKeys,
  SigningKeyRing,
} from './signing-keys.ts';
import { SigningKeysRepository, type SigningKeyRow } from './signing-keys.repository.ts';

/** Counts how often the ring goes to the database. */
class CountingRepository extends SigningKeysRepository {
  reads = 0;

  override listPublished(nowIso: string): Promise<SigningKeyRow[]> {
    this.reads++;
    return super.listPublished(nowIso);
  }
}

describe('SigningKeyRing and rotateSigningKeys', () => {
  const keyring = new SecretsKeyring({ current: randomBytes(32), source: { kind: 'memory' } });
  let directory: string;
  let db: Kysely<IdentityTables>;
  let now = Date.UTC(2026, 11, 1, 9, 0, 0);
  const clock = () => now;

  before(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'assay-signing-keys-'));
    db = new Kysely<IdentityTables>({
      dialect: new NodeSqliteDialect({ file: path.join(directory, 'keys.db') }),
    });
    await up(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  const privateJwkOf = async (kid: string): Promise<JWK> => {
    const row = await db
      .selectFrom('signing_keys')
      .select('private_jwk')
      .where('kid', '=', kid)
      .executeTakeFirstOrThrow();
    return JSON.parse(await keyring.open(row.private_jwk, `signing_keys/${kid}`)) as JWK;
  };
  const tokenSignedBy = async (jwk: JWK, kid = jwk.kid ?? '') =>
    new SignJWT({ sub: 'someone' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(await importJWK(jwk, 'ES256'));
  const kidsOf = (snapshot: { publicJwks: { keys: JWK[] } }) =>
    snapshot.publicJwks.keys.map((key) => key.kid).sort();

  it('generates the first key once, persists it, and never publishes private members', async () => {
    const ring = new SigningKeyRing(new SigningKeysRepository(db, keyring), { now: clock });
    const first = await ring.load();
    const again = await new SigningKeyRing(new SigningKeysRepository(db, keyring), {
      now: clock,
    }).load();
    assert.equal(again.signerKid, first.signerKid, 'a second instance finds the same key');
    assert.equal((await db.selectFrom('signing_keys').select('kid').execute()).length, 1);
    const [published] = first.publicJwks.keys;
    assert.ok(published);
    assert.equal(published.alg, 'ES256');
    assert.equal(published.d, undefined);
    assert.ok(first.privateJwks[0]?.d, 'the provider gets the private key');
  });

  it('rotation: the new key is published at once, signs from active_from; the old one stays published until its tokens expired', async () => {
    const repository = new SigningKeysRepository(db, keyring);
    const ring = new SigningKeyRing(repository, { now: clock });
    const oldKid = (await ring.load()).signerKid;
    const result = await rotateSigningKeys(repository, {
      now: new Date(now),
      activationDelayMs: 30_000,
      reloadIntervalMs: 10_000,
    });
    assert.deepEqual(
      result.retired.map((key) => key.kid),
      [oldKid],
    );

    const pending = await ring.load();
    assert.equal(pending.signerKid, oldKid, 'the old key signs until the new one is active');
    assert.deepEqual(kidsOf(pending), [oldKid, result.kid].sort());

    now = Date.parse(result.activeFrom);
    const active = await ring.load();
    assert.equal(active.signerKid, result.kid);
    assert.equal(active.privateJwks[0]?.kid, result.kid, 'the signer comes first');
    assert.deepEqual(kidsOf(active), [oldKid, result.kid].sort());

    const notAfter = Date.parse(result.retired[0]?.notAfter ?? '');
    const longestLife = (MAX_SIGNED_TOKEN_TTL_SECONDS + MAX_CLOCK_SKEW_SECONDS) * 1000;
    assert.ok(notAfter - Date.parse(result.activeFrom) >= 10_000 + longestLife);
    now = notAfter - 1;
    assert.deepEqual(kidsOf(await ring.load()), [oldKid, result.kid].sort());
    now = notAfter;
    assert.deepEqual(kidsOf(await ring.load()), [result.kid]);
  });

  it('reloads on an unknown kid (another instance rotated), at most once per cooldown', async () => {
    const repository = new CountingRepository(db, keyring);
    const ring = new SigningKeyRing(repository, { now: clock, unknownKidCooldownMs: 1000 });
    await ring.load();
    const current = await privateJwkOf(ring.current.signerKid);
    await jwtVerify(await tokenSignedBy(current), ring.getKey);

    // Another instance rotates; this one has not reloaded yet.
    now += 5000;
    const rotated = await rotateSigningKeys(new SigningKeysRepository(db, keyring), {
      now: new Date(now),
    });
    const reads = repository.reads;
    const { payload } = await jwtVerify(
      await tokenSignedBy(await privateJwkOf(rotated.kid)),
      ring.getKey,
    );
    assert.equal(payload.sub, 'someone');
    assert.equal(repository.reads, reads + 1, 'one reload found the new key');

    // Unknown kids right after that reload do not reach the database.
    for (const kid of ['nobody', 'nobody-else', '../../etc/passwd']) {
      await assert.rejects(
        jwtVerify(await tokenSignedBy(current, kid), ring.getKey),
        errors.JWKSNoMatchingKey,
      );
    }
    assert.equal(repository.reads, reads + 1);

    now += 1001;
    await assert.rejects(
      jwtVerify(await tokenSignedBy(current, 'nobody'), ring.getKey),
      errors.JWKSNoMatchingKey,
    );
    assert.equal(repository.reads, reads + 2, 'after the cooldown, one more reload');
  });
});
