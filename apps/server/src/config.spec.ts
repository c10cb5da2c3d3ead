import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const cwd = '/srv/assay';

function issuesOf(env: Record<string, string>): Map<string, string> {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return new Map(error.issues.map((issue) => [issue.variable, issue.problem]));
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    const config = loadConfig({}, cwd);
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.deepEqual(config.database, {
      target: { engine: 'sqlite', file: '/srv/assay/data/assay.db' },
      poolMax: 10,
    });
    assert.equal(config.logLevel, 'info');
    assert.equal(config.shutdownTimeoutMs, 10_000);
    assert.equal(
      config.webDistDir,
      path.resolve(import.meta.dirname, '../../web/dist/web/browser'),
    );
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from an explicit one', () => {
    assert.equal(loadConfig({ PORT: '8080' }, cwd).publicUrl, 'http://localhost:8080');
    assert.equal(
      loadConfig({ PUBLIC_URL: 'https://exams.example.org/' }, cwd).publicUrl,
      'https://exams.example.org',
    );
  });

  it('reads numbers, a PostgreSQL URL and relative paths', () => {
    const config = loadConfig(
      {
        PORT: '4000',
        DATABASE_URL: 'postgresql://assay:secret@db.internal:5432/assay',
        DATABASE_POOL_MAX: '25',
        LOG_LEVEL: 'debug',
        WEB_DIST_DIR: 'public',
        SHUTDOWN_TIMEOUT_MS: '2500',
      },
      cwd,
    );
    assert.equal(config.port, 4000);
    assert.deepEqual(config.database, {
      target: {
        engine: 'postgres',
        connectionString: 'postgresql://assay:secret@db.internal:5432/assay',
      },
      poolMax: 25,
    });
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.webDistDir, '/srv/assay/public');
    assert.equal(config.shutdownTimeoutMs, 2500);
  });

  it('resolves sqlite: paths against the working directory', () => {
    const config = loadConfig({ DATABASE_URL: 'sqlite:var/exams.db' }, cwd);
    assert.deepEqual(config.database.target, { engine: 'sqlite', file: '/srv/assay/var/exams.db' });
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ PORT: '', LOG_LEVEL: ' ' }, cwd).port, 3000);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({}, cwd);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.database));
  });

  const badValues: [string, string, RegExp][] = [
    ['PORT', 'abc', /integer from 0 to 65535.*"abc"/],
    ['PORT', '70000', /integer from 0 to 65535/],
    ['PUBLIC_URL', 'exams.example.org', /http:\/\/ or https:\/\//],
    ['PUBLIC_URL', 'ftp://exams.example.org', /http:\/\/ or https:\/\//],
    ['DATABASE_URL', 'mysql://localhost/assay', /sqlite:<file> or postgres/],
    ['DATABASE_URL', 'postgres://', /sqlite:<file> or postgres/],
    ['DATABASE_URL', 'postgres://:5432/assay', /postgres:\/\/ URL with a host name/],
    ['DATABASE_POOL_MAX', '0', /integer from 1 to 1000/],
    ['LOG_LEVEL', 'verbose', /one of fatal, error, warn, info, debug, trace, silent/],
    ['SHUTDOWN_TIMEOUT_MS', '-1', /integer from 0 to 600000/],
  ];
  for (const [variable, value, expected] of badValues) {
    it(`rejects ${variable}=${value} and names the variable`, () => {
      const issues = issuesOf({ [variable]: value });
      assert.deepEqual([...issues.keys()], [variable]);
      assert.match(issues.get(variable) ?? '', expected);
    });
  }

  it('names every bad variable at once in the message', () => {
    try {
      loadConfig(
        { PORT: 'x', LOG_LEVEL: 'loud', PUBLIC_URL: 'nope', DATABASE_POOL_MAX: '-5' },
        cwd,
      );
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^Invalid configuration \(4 variables\):/);
      for (const variable of ['PORT', 'LOG_LEVEL', 'PUBLIC_URL', 'DATABASE_POOL_MAX']) {
        assert.match(error.message, new RegExp(`^  ${variable}: must be `, 'm'));
      }
    }
  });

  it('never repeats the database URL, which may hold a password', () => {
    const issues = issuesOf({ DATABASE_URL: 'mysql://root:hunter2@db/assay' });
    assert.doesNotMatch(issues.get('DATABASE_URL') ?? '', /hunter2/);
  });

  it('reads SECRETS_KEY in base64, base64url or hex, and never repeats a bad one', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    const key = bytes.toString('base64url');
    for (const written of [bytes.toString('base64'), key, bytes.toString('hex')]) {
      const config = loadConfig(
        { SECRETS_KEY: written, SECRETS_KEY_PREVIOUS: `${key},${key}` },
        cwd,
      );
      assert.deepEqual(config.secrets, { key, previousKeys: [key, key] });
    }
    assert.deepEqual(loadConfig({}, cwd).secrets, { key: undefined, previousKeys: [] });
    const short = bytes.subarray(0, 31).toString('base64');
    const issues = issuesOf({ SECRETS_KEY: short, SECRETS_KEY_PREVIOUS: `${key},oops` });
    assert.match(issues.get('SECRETS_KEY') ?? '', /^must be 32 random bytes in base64 or hex/);
    assert.match(issues.get('SECRETS_KEY_PREVIOUS') ?? '', /^must be keys of 32 random bytes/);
    const messages = [...issues.values()].join();
    assert.ok(!messages.includes(short) && !messages.includes('oops'), 'a key is repeated');
  });

  it('ignores variables it does not know', () => {
    assert.equal(loadConfig({ NODE_ENV: 'whatever', PATH: '/bin' }, cwd).port, 3000);
  });
});
