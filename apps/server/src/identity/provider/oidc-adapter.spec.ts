import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

import { NodeSqliteDialect } from '../../platform/sqlite-dialect.ts';
import { down, up } from '../../../migrations/20261122090000_identity.ts';
import type { IdentityTables } from '../identity-tables.ts';
import {
  createOidcAdapterFactory,
  KyselyOidcAdapter,
  purgeExpiredOidcPayloads,
} from './oidc-adapter.ts';

interface Engine {
  readonly name: string;
  open(): Promise<{ db: Kysely<IdentityTables>; close(): Promise<void> }>;
}

const sqliteEngine: Engine = {
  name: 'SQLite (node:sqlite file)',
  open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'assay-oidc-adapter-'));
    const db = new Kysely<IdentityTables>({
      dialect: new NodeSqliteDialect({ file: path.join(dir, 'test.db') }),
    });
    return Promise.resolve({
      db,
      async close() {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
};

const postgresUrl = process.env['ASSAY_TEST_POSTGRES_URL'];
const postgresEngine: Engine | undefined = postgresUrl
  ? {
      name: 'PostgreSQL',
      async open() {
        const name = `identity_adapter_${randomUUID().replaceAll('-', '')}`;
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`create database ${name}`);
        const url = new URL(postgresUrl);
        url.pathname = `/${name}`;
        const db = new Kysely<IdentityTables>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href }) }),
        });
        return {
          db,
          async close() {
            await db.destroy();
            await admin.query(`drop database ${name}`);
            await admin.end();
          },
        };
      },
    }
  : undefined;

for (const engine of [sqliteEngine, ...(postgresEngine ? [postgresEngine] : [])]) {
  describe(`KyselyOidcAdapter on ${engine.name}`, () => {
    let db: Kysely<IdentityTables>;
    let close: () => Promise<void>;
    let now = Date.UTC(2026, 10, 22, 9, 0, 0);
    const clock = (): number => now;
    const adapterFor = (model: string): KyselyOidcAdapter =>
      new KyselyOidcAdapter(db, model, clock);

    before(async () => {
      const opened = await engine.open();
      db = opened.db;
      close = () => opened.close();
      await up(db);
    });

    it('is what the provider factory hands out', () => {
      assert.ok(createOidcAdapterFactory(db)('Session') instanceof KyselyOidcAdapter);
    });

    after(async () => {
      await close();
    });

    it('stores, finds and replaces a payload', async () => {
      const sessions = adapterFor('Session');
      await sessions.upsert('s1', { kind: 'Session', uid: 'u1', accountId: 'a1' }, 3600);
      assert.deepEqual(await sessions.find('s1'), { kind: 'Session', uid: 'u1', accountId: 'a1' });
      await sessions.upsert('s1', { kind: 'Session', uid: 'u1', accountId: 'a2' }, 3600);
      assert.equal((await sessions.find('s1'))?.accountId, 'a2');
      assert.equal(await sessions.find('missing'), undefined);
    });

    it('keeps models apart under the same id', async () => {
      await adapterFor('AccessToken').upsert('same', { kind: 'AccessToken', jti: 'same' }, 60);
      await adapterFor('RefreshToken').upsert('same', { kind: 'RefreshToken', jti: 'same' }, 60);
      assert.equal((await adapterFor('AccessToken').find('same'))?.kind, 'AccessToken');
      await adapterFor('AccessToken').destroy('same');
      assert.equal(await adapterFor('AccessToken').find('same'), undefined);
      assert.equal((await adapterFor('RefreshToken').find('same'))?.kind, 'RefreshToken');
    });

    it('finds sessions by uid and device codes by user code', async () => {
      await adapterFor('Session').upsert('s2', { kind: 'Session', uid: 'uid-2' }, 60);
      await adapterFor('DeviceCode').upsert(
        'd1',
        { kind: 'DeviceCode', userCode: 'ABCD-EFGH' },
        60,
      );
      assert.equal((await adapterFor('Session').findByUid('uid-2'))?.kind, 'Session');
      assert.equal(
        (await adapterFor('DeviceCode').findByUserCode('ABCD-EFGH'))?.kind,
        'DeviceCode',
      );
      assert.equal(await adapterFor('Session').findByUserCode('ABCD-EFGH'), undefined);
    });

    it('hides a payload once it has expired, and purges it', async () => {
      const codes = adapterFor('AuthorizationCode');
      await codes.upsert('c1', { kind: 'AuthorizationCode' }, 60);
      await adapterFor('Grant').upsert('forever', { kind: 'Grant' });
      now += 59_000;
      assert.ok(await codes.find('c1'));
      now += 1_000;
      assert.equal(await codes.find('c1'), undefined);
      assert.ok((await purgeExpiredOidcPayloads(db, new Date(now))) >= 1);
      const left = await db
        .selectFrom('oidc_payloads')
        .select('id')
        .where('id', '=', 'c1')
        .execute();
      assert.deepEqual(left, []);
      assert.ok(await adapterFor('Grant').find('forever'), 'no expiry means kept');
    });

    it('marks a payload consumed, and a new upsert starts unconsumed', async () => {
      const refresh = adapterFor('RefreshToken');
      await refresh.upsert('r1', { kind: 'RefreshToken', grantId: 'g0' }, 3600);
      assert.equal((await refresh.find('r1'))?.consumed, undefined);
      await refresh.consume('r1');
      const consumed = await refresh.find('r1');
      assert.equal(consumed?.consumed, Math.floor(now / 1000));
      await refresh.upsert('r1', { kind: 'RefreshToken', grantId: 'g0' }, 3600);
      assert.equal((await refresh.find('r1'))?.consumed, undefined);
    });

    it('revokes every token of a grant and nothing else', async () => {
      await adapterFor('AuthorizationCode').upsert(
        'gc',
        { kind: 'AuthorizationCode', grantId: 'g1' },
        60,
      );
      await adapterFor('AccessToken').upsert('ga', { kind: 'AccessToken', grantId: 'g1' }, 60);
      await adapterFor('RefreshToken').upsert('gr', { kind: 'RefreshToken', grantId: 'g1' }, 60);
      await adapterFor('AccessToken').upsert('other', { kind: 'AccessToken', grantId: 'g2' }, 60);
      await adapterFor('AccessToken').revokeByGrantId('g1');
      assert.equal(await adapterFor('AuthorizationCode').find('gc'), undefined);
      assert.equal(await adapterFor('AccessToken').find('ga'), undefined);
      assert.equal(await adapterFor('RefreshToken').find('gr'), undefined);
      assert.ok(await adapterFor('AccessToken').find('other'));
    });

    it('round-trips nested payloads with unicode intact', async () => {
      const payload = {
        kind: 'Interaction',
        params: { scope: 'openid', ui_locales: 'fr' },
        result: { login: { accountId: 'Zoë 🐈' } },
        exp: 1_800_000_000,
      };
      await adapterFor('Interaction').upsert('i1', payload, 600);
      assert.deepEqual(await adapterFor('Interaction').find('i1'), payload);
    });

    it('creates and drops every identity table', async () => {
      const tables = [
        'oidc_payloads',
        'accounts',
        'signing_keys',
        'secrets',
        'clients',
        'bff_sessions',
        'rate_limits',
      ];
      const existing = (await db.introspection.getTables()).map((table) => table.name);
      for (const table of tables) assert.ok(existing.includes(table), table);

      const account = {
        id: randomUUID(),
        username: 'ada',
        email: 'ada@example.org',
        display_name: 'Ada',
        password_hash: '$argon2id$…',
        role: 'learner' as const,
        disabled: 0 as const,
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString(),
      };
      await db.insertInto('accounts').values(account).execute();
      await assert.rejects(
        db
          .insertInto('accounts')
          .values({ ...account, id: randomUUID(), email: 'other@x.org' })
          .execute(),
        'usernames are unique',
      );
      await assert.rejects(
        db
          .insertInto('accounts')
          .values({
            ...account,
            id: randomUUID(),
            username: 'b',
            email: 'b@x.org',
            role: 'root' as never,
          })
          .execute(),
        'roles are constrained',
      );

      await down(db);
      const remaining = (await db.introspection.getTables()).map((table) => table.name);
      for (const table of tables) assert.ok(!remaining.includes(table), table);
      await up(db);
      await sql`select 1`.execute(db);
    });
  });
}
