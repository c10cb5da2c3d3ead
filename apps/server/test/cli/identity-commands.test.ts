import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { decodeProtectedHeader } from 'jose';

import { decodeSecretsKey, loadConfig } from '../../src/config.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrations.ts';
import { openSecretsKeyring } from '../../src/platform/secrets-key.ts';
import {
  createTestDatabase,
  secretsEnv,
  testEngine,
  type TestDatabase,
} from '../support/database.ts';
import { runScript, startScript } from '../support/processes.ts';

describe('identity admin commands (users, clients, keys)', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  before(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, ...secretsEnv(database.url) };
    const db = createDatabase(loadConfig(env).database);
    await migrateToLatest(db);
    await db.destroy();
  });
  after(() => database.destroy());

  const withStdin = async (args: string[], stdin: string) => {
    const { child, finished } = startScript('cli.ts', args, env);
    child.stdin?.end(stdin);
    return finished;
  };
  const query = async <T>(work: (db: ReturnType<typeof createDatabase>) => Promise<T>) => {
    const db = createDatabase(loadConfig(env).database);
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  };

  it('users create reads the password from stdin and stores only an argon2id hash', async () => {
    const password = 'grace hopper compiles cobol';
    const args = ['users', 'create', '--username', 'Grace', '--email', 'grace@example.org'];
    const result = await withStdin(
      [...args, '--name', 'Grace Hopper', '--role', 'admin'],
      `${password}\n`,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Created admin grace <grace@example.org>/);
    const row = await query((db) =>
      db
        .selectFrom('accounts')
        .selectAll()
        .where('username', '=', 'grace')
        .executeTakeFirstOrThrow(),
    );
    assert.equal(row.role, 'admin');
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(!row.password_hash.includes(password));
  });

  it('users create without --role creates a learner', async () => {
    const args = ['users', 'create', '--username', 'ada', '--email', 'ada@example.org'];
    const result = await withStdin([...args, '--name', 'Ada'], 'analytical engine notes 1843\n');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Created learner ada <ada@example.org>/);
  });

  it('users create enforces the password policy and refuses a taken username', async () => {
    const args = ['users', 'create', '--username', 'weak', '--email', 'weak@example.org'];
    const weak = await withStdin([...args, '--name', 'Weak'], 'password\n');
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /password: .*(common|at least)/i);
    const again = ['users', 'create', '--username', 'grace', '--email', 'other@example.org'];
    const taken = await withStdin([...again, '--name', 'G'], 'another long password 1\n');
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /username is taken/);
    const noRole = await withStdin([...args, '--name', 'W', '--role', 'root'], 'x\n');
    assert.equal(noRole.code, 2);
  });

  it('users set-role, disable, enable and list', async () => {
    assert.equal(
      (await runScript('cli.ts', ['users', 'set-role', 'grace', 'instructor'], env)).code,
      0,
    );
    const disabled = await runScript('cli.ts', ['users', 'disable', 'grace'], env);
    assert.equal(disabled.code, 0);
    const list = await runScript('cli.ts', ['users', 'list'], env);
    assert.match(list.stdout, /^grace\tinstructor\tdisabled\tgrace@example.org\tGrace Hopper$/m);
    const unknown = await runScript('cli.ts', ['users', 'disable', 'nobody'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no account named nobody/);
    const enabled = await runScript('cli.ts', ['users', 'enable', 'grace'], env);
    assert.equal(enabled.code, 0);
    assert.equal(enabled.stdout, 'grace is enabled.\n');
    const after = await runScript('cli.ts', ['users', 'list'], env);
    assert.match(after.stdout, /^grace\tinstructor\tactive\t/m);
  });

  it("users disable ends the account's web sessions at once, and no one else's", async () => {
    const now = new Date();
    const session = (idHash: string, subject: string) => ({
      id_hash: idHash,
      subject,
      tokens: 'sealed',
      csrf_token: 'csrf',
      access_expires_at: new Date(now.getTime() + 600_000).toISOString(),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
    });
    const ids = await query(async (db) => {
      const { AccountsRepository } =
        await import('../../src/identity/accounts/accounts.repository.ts');
      const repository = new AccountsRepository(db);
      const made: string[] = [];
      for (const username of ['linus', 'margaret']) {
        const id = randomUUID();
        await repository.insert({
          id,
          username,
          email: `${username}@example.org`,
          display_name: username,
          password_hash: '$argon2id$unused',
          role: 'learner',
          disabled: 0,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        });
        made.push(id);
      }
      const [linus = '', margaret = ''] = made;
      await db
        .insertInto('bff_sessions')
        .values([session('s1', linus), session('s2', linus), session('s3', margaret)])
        .execute();
      return { linus, margaret };
    });
    const result = await runScript('cli.ts', ['users', 'disable', 'LINUS'], env);
    assert.equal(result.code, 0, result.stderr);
    const left = await query((db) =>
      db.selectFrom('bff_sessions').select(['id_hash', 'subject']).orderBy('id_hash').execute(),
    );
    assert.deepEqual(left, [{ id_hash: 's3', subject: ids.margaret }]);
    const row = await query((db) =>
      db
        .selectFrom('accounts')
        .select('disabled')
        .where('id', '=', ids.linus)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(row.disabled, 1);
  });

  it('clients create prints JSON with client_id, client_secret and scope', async () => {
    const result = await runScript(
      'cli.ts',
      ['clients', 'create', '--name', 'LMS sync', '--scope', 'manage:exams take:exams'],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const created = JSON.parse(result.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(created).sort(), ['client_id', 'client_secret', 'scope']);
    assert.equal(created['scope'], 'take:exams manage:exams');
    const bad = await runScript(
      'cli.ts',
      ['clients', 'create', '--name', 'x', '--scope', 'root'],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown: root/);
  });

  it('keys rotate adds a key that signs later and retires the current one', async () => {
    await query(async (db) => {
      const { SigningKeyRing } = await import('../../src/identity/provider/signing-keys.ts');
      const { SigningKeysRepository } =
        await import('../../src/identity/provider/signing-keys.repository.ts');
      const keyring = await openSecretsKeyring(loadConfig(env));
      await new SigningKeyRing(new SigningKeysRepository(db, keyring)).load();
    });
    const result = await runScript('cli.ts', ['keys', 'rotate'], env);
    assert.equal(result.code, 0, result.stderr);
    const rotation = JSON.parse(result.stdout) as {
      kid: string;
      activeFrom: string;
      retired: { kid: string; notAfter: string }[];
    };
    assert.equal(rotation.retired.length, 1);
    const keys = await query((db) => db.selectFrom('signing_keys').selectAll().execute());
    assert.equal(keys.length, 2);
    for (const key of keys) {
      assert.equal(decodeProtectedHeader(key.private_jwk).enc, 'A256GCM', 'stored encrypted');
    }
    const [retiredKey] = rotation.retired;
    assert.ok(retiredKey);
    const retired = keys.find((key) => key.kid === retiredKey.kid);
    assert.ok(retired);
    assert.equal(retired.retired_at, rotation.activeFrom);
    // Published until every token it may still sign (15 min + skew) has expired.
    const margin = Date.parse(retired.not_after ?? '') - Date.parse(rotation.activeFrom);
    assert.ok(margin >= (15 * 60 + 60) * 1000, String(margin));
  });

  it('secrets generate-key prints a new key of 32 random bytes each time', async () => {
    const [first, second] = await Promise.all([
      runScript('cli.ts', ['secrets', 'generate-key'], {}),
      runScript('cli.ts', ['secrets', 'generate-key'], {}),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(decodeSecretsKey(first.stdout)?.length, 32);
    assert.notEqual(first.stdout, second.stdout);
  });

  it(
    'on PostgreSQL, the commands that need the secrets key refuse without SECRETS_KEY',
    {
      skip: testEngine() !== 'postgres',
    },
    async () => {
      for (const command of [
        ['keys', 'rotate'],
        ['secrets', 'rotate'],
        ['db', 'migrate'],
      ]) {
        const result = await runScript('cli.ts', command, { ...env, SECRETS_KEY: '' });
        assert.equal(result.code, 1, command.join(' '));
        assert.match(result.stderr, /SECRETS_KEY: must be set when DATABASE_URL is PostgreSQL/);
        assert.match(result.stderr, /openssl rand -base64 32/);
      }
    },
  );
});
