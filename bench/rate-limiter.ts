// `npm run bench:rate-limiter`: what the sign-in limits (apps/server/src/identity/accounts/
// rate-limiter.ts, counters in the database shared by every instance) add to a successful
// sign-in — count the attempt against the account and the address, take both back, reset the
// account — beside the password check every sign-in pays (argon2id, the default parameters),
// in the same run. On SQLite; on PostgreSQL with ASSAY_TEST_DB=postgres and
// ASSAY_TEST_POSTGRES_URL, as the tests take them.
import { parseDatabaseUrl } from '../apps/server/src/config.ts';
import {
  RateLimiter,
  SIGN_IN_FAILURES_PER_ACCOUNT,
  SIGN_IN_FAILURES_PER_ADDRESS,
} from '../apps/server/src/identity/accounts/rate-limiter.ts';
import { RateLimitsRepository } from '../apps/server/src/identity/accounts/rate-limits.repository.ts';
import { hashPassword, verifyPassword } from '../apps/server/src/identity/accounts/passwords.ts';
import { createDatabase } from '../apps/server/src/platform/db.ts';
import { migrateToLatest } from '../apps/server/src/platform/migrations.ts';
import { createTestDatabase } from '../apps/server/test/support/database.ts';
import { compare, printComparison } from './micro.ts';

const testDatabase = await createTestDatabase();
const db = createDatabase({ target: parseDatabaseUrl(testDatabase.url), poolMax: 10 });
try {
  await migrateToLatest(db);
  const limiter = new RateLimiter(new RateLimitsRepository(db));
  const password = 'correct horse battery staple';
  const hash = await hashPassword(password);
  let n = 0;
  const limits = 'the limits of a successful sign-in (5 statements)';
  const argon2 = 'the password check (argon2id)';
  const figures = await compare(
    {
      [limits]: async () => {
        // As many accounts and addresses as a busy instance sees: each new, then each again.
        const account = `signin:account:${String(n % 1000)}`;
        const attempt = await limiter.reserve([
          [account, SIGN_IN_FAILURES_PER_ACCOUNT],
          [`signin:ip:10.0.${String(n++ % 250)}.1`, SIGN_IN_FAILURES_PER_ADDRESS],
        ]);
        await attempt.release();
        await limiter.reset(account);
      },
      [argon2]: async () => {
        if (!(await verifyPassword(password, hash)).valid) throw new Error('Wrong password');
      },
    },
    { batch: 1, rounds: 5, milliseconds: 200 },
  );
  printComparison(`A successful sign-in on ${testDatabase.engine}`, figures, argon2);
} finally {
  await db.destroy();
  await testDatabase.destroy();
}
