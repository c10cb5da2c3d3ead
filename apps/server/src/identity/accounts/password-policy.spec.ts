import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { checkPassword, codePointLength, isCommonPassword } from './password-policy.ts';

const codes = (password: string, context?: Parameters<typeof checkPassword>[1]): string[] =>
  checkPassword(password, context).map((problem) => problem.code);

describe('password policy', () => {
  it('accepts a long, uncommon passphrase with no composition rules', () => {
    assert.deepEqual(codes('purple elephants juggle quietly'), []);
    assert.deepEqual(codes('zqxjvkwp'), [], 'lower-case letters only are fine');
  });

  it('requires 8 to 128 characters, counted in code points', () => {
    assert.deepEqual(codes('Tr0ub4!'), ['password_too_short']);
    assert.deepEqual(codes('x7Kq#2mZ'), []);
    assert.deepEqual(
      codes('🐈🐕🐇🐢🦔🦉🦊'),
      ['password_too_short'],
      '7 emoji are 14 UTF-16 units',
    );
    assert.deepEqual(codes('🐈🐕🐇🐢🦔🦉🦊🐙'), []);
    assert.deepEqual(codes('a'.repeat(128)), []);
    assert.deepEqual(codes('a'.repeat(129)), ['password_too_long']);
    assert.deepEqual(codes('é'.repeat(128)), [], 'é is one code point after NFKC');
  });

  it('NFKC-normalizes before counting and comparing', () => {
    // Full-width letters fold to ASCII under NFKC, so this is "password".
    assert.deepEqual(codes('ｐａｓｓｗｏｒｄ'), ['password_common']);
  });

  it('refuses common passwords, ignoring case', () => {
    for (const common of [
      'password',
      'Password1',
      'QWERTYUIOP',
      'iloveyou',
      '12345678',
      'P@ssw0rd',
    ]) {
      assert.ok(isCommonPassword(common), common);
      assert.ok(codes(common).includes('password_common'), common);
    }
    assert.equal(isCommonPassword('purple elephants juggle quietly'), false);
  });

  it('refuses the username, the email address or its local part', () => {
    const context = { username: 'Grace.Hopper', email: 'amazing.grace@example.org' };
    assert.deepEqual(codes('grace.hopper', context), ['password_matches_identity']);
    assert.deepEqual(codes('AMAZING.GRACE@example.org', context), ['password_matches_identity']);
    assert.deepEqual(codes('amazing.grace', context), ['password_matches_identity']);
    assert.deepEqual(codes('grace.hopper.1906', context), []);
  });

  it('reports every problem as a field-level message', () => {
    const problems = checkPassword('password', { username: 'password' });
    assert.deepEqual(
      problems.map((p) => [p.field, p.code]),
      [
        ['password', 'password_common'],
        ['password', 'password_matches_identity'],
      ],
    );
    for (const problem of problems) assert.ok(problem.message.length > 10);
  });

  it('ships a list of several thousand entries, each at least 8 characters', () => {
    const entries = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    assert.ok(entries.length >= 3000, `${entries.length} entries`);
    for (const entry of entries) assert.ok(codePointLength(entry) >= 8, entry);
  });
});
