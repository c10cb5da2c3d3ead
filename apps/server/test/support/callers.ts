import type { TestApp } from './app.ts';
import { accessTokenFor, bearer, createAccount, machineTokenFor } from './auth.ts';
import type { Caller } from './exam-fixture.ts';

/** Real access tokens (signed by the app's embedded provider key) for every test caller. */
export async function createCallers(
  testApp: TestApp,
): Promise<{ headers(caller: Caller): Record<string, string> }> {
  const { app } = testApp;
  const account = async (role: 'learner' | 'instructor' | 'admin', name: string) =>
    accessTokenFor(app, await createAccount(app, { role, displayName: name }));
  const tokens: Record<Exclude<Caller, 'anonymous'>, string> = {
    learner: await account('learner', 'Lena Learner'),
    otherLearner: await account('learner', 'Otto Other'),
    author: await account('instructor', 'Ada Author'),
    otherAuthor: await account('instructor', 'Ole Otherauthor'),
    admin: await account('admin', 'Ann Admin'),
    takerClient: await machineTokenFor(app, ['take:exams'], { clientId: 'lms-taker' }),
    managerClient: await machineTokenFor(app, ['manage:exams'], { clientId: 'ci-manager' }),
  };
  return {
    headers: (caller) => (caller === 'anonymous' ? {} : bearer(tokens[caller])),
  };
}
