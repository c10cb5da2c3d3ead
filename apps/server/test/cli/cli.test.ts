import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { createDatabase } from '../../src/platform/db.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runScript } from '../support/processes.ts';

describe('the admin command line (cli.ts)', () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.destroy());

  for (const args of [['--help'], ['help']]) {
    it(`${args.join(' ')} lists the commands and exits 0`, async () => {
      const result = await runScript('cli.ts', args, {});
      assert.equal(result.code, 0);
      assert.match(result.stdout, /Usage: npm run assay -- <command>/);
      assert.match(result.stdout, /^ {2}db migrate +Apply pending database migrations/m);
    });
  }

  it('db migrate --help shows the command usage', async () => {
    const result = await runScript('cli.ts', ['db', 'migrate', '--help'], {});
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: npm run assay -- db migrate/);
  });

  it('db migrate migrates DATABASE_URL and says so; a second run has nothing to do', async () => {
    const first = await runScript('cli.ts', ['db', 'migrate'], { DATABASE_URL: database.url });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /(Applied \d+ migration\(s\)|is up to date)/);

    // The migrator's bookkeeping table now exists in that database.
    const db = createDatabase(loadConfig({ DATABASE_URL: database.url }).database);
    try {
      const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(tables.some((table) => table.name === 'kysely_migration'));
    } finally {
      await db.destroy();
    }

    const second = await runScript('cli.ts', ['db', 'migrate'], { DATABASE_URL: database.url });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /is up to date; no migrations to apply/);
  });

  it('prints usage on stderr and exits 2 for an unknown command', async () => {
    const result = await runScript('cli.ts', ['frobnicate', '--now'], {});
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown command: frobnicate/);
    assert.match(result.stderr, /Usage: npm run assay -- <command>/);
    assert.equal(result.stdout, '');
  });

  it('exits 2 for an unknown option of a known command', async () => {
    const result = await runScript('cli.ts', ['db', 'migrate', '--force'], {});
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--force/);
  });

  it('exits 1 with a clean message, no stack, when the configuration is bad', async () => {
    const result = await runScript('cli.ts', ['db', 'migrate'], { DATABASE_URL: 'mysql://x' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /DATABASE_URL: must be/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('exits 1 with a clean message when the database cannot be reached', async () => {
    const result = await runScript('cli.ts', ['db', 'migrate'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: .*ECONNREFUSED/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
