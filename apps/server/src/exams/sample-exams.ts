import { randomUUID } from 'node:crypto';
import type { ExamSettings, QuestionType } from '@assay/contracts';
import type { ExamRow, ExamsRepository, QuestionToWrite } from './exams.repository.ts';
import { searchTextOf } from './exams.service.ts';

/** The built-in author of the sample exams (not an account: nobody can sign in as it). */
export const SAMPLES_AUTHOR = {
  subject: 'assay:samples',
  issuer: 'urn:assay:samples',
  displayName: 'Assay samples',
} as const;

interface SampleQuestion {
  readonly type: QuestionType;
  readonly text: string;
  readonly points?: number;
  readonly explanation: string;
  /** `[text, correct]` in the author's order. */
  readonly choices: readonly (readonly [string, boolean])[];
}

interface SampleExam {
  /** Fixed, so seeding twice (or from two instances at once) cannot duplicate an exam. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly longDescription: string;
  readonly settings: ExamSettings;
  readonly questions: readonly SampleQuestion[];
}

const trueFalse = (answer: boolean): (readonly [string, boolean])[] => [
  ['True', answer],
  ['False', !answer],
];

/** Three published exams with real questions, so a fresh install has a working catalog. */
export const SAMPLE_EXAMS: readonly SampleExam[] = [
  {
    id: '5a3b1e00-0000-4000-8000-000000000001',
    title: 'TypeScript fundamentals',
    description:
      'Types, inference, narrowing and the utility types every TypeScript developer uses.',
    longDescription: [
      'Ten questions on the core of the TypeScript type system: primitive types, inference,',
      'tuples and `as const`, narrowing, interfaces and type aliases, and utility types.',
      '',
      'You have **20 minutes**. Questions and choices are shuffled; after submitting you see the',
      'correct answers with explanations. 70 % passes.',
    ].join('\n'),
    settings: {
      timeLimitMinutes: 20,
      maxAttempts: null,
      passMark: 70,
      shuffleQuestions: true,
      shuffleChoices: true,
      reviewPolicy: 'show_answers',
    },
    questions: [
      {
        type: 'single_choice',
        text: 'What type does TypeScript infer for `x` in `let x = 5;`?',
        explanation:
          'A `let` binding can be reassigned, so the literal type `5` is widened to `number`. ' +
          'With `const x = 5` the inferred type would be the literal type `5`.',
        choices: [
          ['`number`', true],
          ['`5`', false],
          ['`any`', false],
          ['`unknown`', false],
        ],
      },
      {
        type: 'multiple_choice',
        text: 'Which of these are primitive types in TypeScript?',
        explanation:
          '`string`, `bigint` and `symbol` are primitives (as are `number`, `boolean`, `null` and ' +
          '`undefined`). `Array` and `Date` are object types.',
        choices: [
          ['`string`', true],
          ['`bigint`', true],
          ['`symbol`', true],
          ['`Array<number>`', false],
          ['`Date`', false],
        ],
      },
      {
        type: 'true_false',
        text: 'A value of type `unknown` must be narrowed before you can call methods on it.',
        explanation:
          'That is the difference between `unknown` and `any`: `unknown` accepts every value but ' +
          'allows almost no operations until a check (such as `typeof`) narrows it.',
        choices: trueFalse(true),
      },
      {
        type: 'single_choice',
        text: "What is the type of `tuple` in `const tuple = [1, 'a'] as const;`?",
        explanation:
          '`as const` makes the array a readonly tuple and keeps literal types, so the result is ' +
          '`readonly [1, "a"]`. Without it, the type would be `(string | number)[]`.',
        choices: [
          ['`(string | number)[]`', false],
          ['`[number, string]`', false],
          ['`readonly [1, "a"]`', true],
          ['`readonly (1 | "a")[]`', false],
        ],
      },
      {
        type: 'single_choice',
        text:
          'Given `type Shape = { kind: "circle"; radius: number } | { side: number }`, which ' +
          'operator narrows a `Shape` by checking whether a property exists?',
        explanation:
          '`"radius" in shape` narrows to the union members that have a `radius` property. ' +
          '`typeof` only distinguishes JavaScript runtime types, `keyof` is a type operator, and ' +
          '`as` asserts without checking anything.',
        choices: [
          ['`in`', true],
          ['`typeof`', false],
          ['`keyof`', false],
          ['`as`', false],
        ],
      },
      {
        type: 'multiple_choice',
        text: 'Which statements about interfaces and type aliases are true?',
        explanation:
          'Interfaces with the same name in the same scope merge (declaration merging), and an ' +
          'interface can extend another. A type alias can name any type, including unions. Both ' +
          'can describe object shapes.',
        choices: [
          ['Two interfaces with the same name in one scope merge their members', true],
          ['A type alias can name a union type', true],
          ['Only type aliases can describe the shape of an object', false],
          ['An interface can extend another interface', true],
        ],
      },
      {
        type: 'true_false',
        text:
          'When Node.js runs a `.ts` file by stripping its types, it checks the type annotations ' +
          'at run time.',
        explanation:
          'Type stripping removes the annotations and runs the remaining JavaScript; nothing is ' +
          'checked. Type errors are found only by the compiler (`tsc`).',
        choices: trueFalse(false),
      },
      {
        type: 'single_choice',
        text: 'What does the utility type `Partial<T>` produce?',
        explanation:
          '`Partial<T>` maps every property of `T` to an optional one. `Required<T>` does the ' +
          'opposite and `Readonly<T>` makes properties read-only.',
        choices: [
          ['`T` with every property optional', true],
          ['`T` with every property required', false],
          ['`T` with every property read-only', false],
          ['`T` without `null` and `undefined`', false],
        ],
      },
      {
        type: 'single_choice',
        text:
          'With `strictNullChecks` on and `values: number[]`, what is the type of ' +
          '`values.find((value) => value > 1)`?',
        explanation:
          '`find` returns `undefined` when no element matches, so its return type is ' +
          '`number | undefined` and the caller must handle the missing case.',
        choices: [
          ['`number`', false],
          ['`number | undefined`', true],
          ['`number | null`', false],
          ['`number[]`', false],
        ],
      },
      {
        type: 'multiple_choice',
        text: 'Which of these narrow `value: string | number` to `string` inside the `if` block?',
        explanation:
          '`typeof value === "string"` and a user-defined type guard (`value is string`) are ' +
          'checks the compiler understands. `value as string` is an assertion that checks ' +
          'nothing, and `if (value)` only removes falsy values — a non-zero number passes.',
        choices: [
          ['`if (typeof value === "string")`', true],
          ['`if (isString(value))` where `isString(v: unknown): v is string`', true],
          ['`if ((value as string).length > 0)`', false],
          ['`if (value)`', false],
        ],
      },
    ],
  },
  {
    id: '5a3b1e00-0000-4000-8000-000000000002',
    title: 'Web security basics',
    description:
      'Cookies, injection, CSRF, password storage, tokens and the headers that protect a site.',
    longDescription: [
      'Eight questions on the web security every developer meets: cookie attributes, SQL',
      'injection, Content-Security-Policy, CSRF, password hashing, JWTs, the same-origin policy',
      'and HSTS.',
      '',
      'You have **15 minutes**; choices are shuffled. After submitting you see the correct',
      'answers with explanations. 75 % passes.',
    ].join('\n'),
    settings: {
      timeLimitMinutes: 15,
      maxAttempts: null,
      passMark: 75,
      shuffleQuestions: false,
      shuffleChoices: true,
      reviewPolicy: 'show_answers',
    },
    questions: [
      {
        type: 'single_choice',
        text: 'What does the `HttpOnly` attribute on a cookie do?',
        explanation:
          '`HttpOnly` hides the cookie from page scripts (`document.cookie`), so an XSS bug cannot ' +
          'read a session cookie. `Secure` restricts it to HTTPS and `SameSite` controls ' +
          'cross-site sending.',
        choices: [
          ['It stops JavaScript in the page from reading the cookie', true],
          ['It encrypts the cookie value', false],
          ['It makes the browser send the cookie over HTTPS only', false],
          ['It stops the cookie from being sent with cross-site requests', false],
        ],
      },
      {
        type: 'multiple_choice',
        text: 'Which of these prevent SQL injection?',
        explanation:
          'Injection happens when input becomes part of the SQL text. Parameterised queries (and ' +
          'query builders that bind values as parameters) keep data apart from code. Escaping ' +
          'HTML protects against XSS, not SQL injection, and hiding error messages only makes ' +
          'attacks harder to see.',
        choices: [
          ['Parameterised queries (prepared statements with bound values)', true],
          ['A query builder that sends values as bound parameters', true],
          ['HTML-escaping user input before storing it', false],
          ['Hiding database error messages from users', false],
        ],
      },
      {
        type: 'true_false',
        text:
          'A Content-Security-Policy whose `script-src` has no `unsafe-inline` (and no nonce or ' +
          'hash matching the script) blocks an inline `<script>` injected by an attacker.',
        explanation:
          'Without `unsafe-inline`, a nonce or a hash, the browser refuses to run inline scripts, ' +
          'which defeats most injected-script XSS payloads.',
        choices: trueFalse(true),
      },
      {
        type: 'single_choice',
        text: 'Which best describes cross-site request forgery (CSRF)?',
        explanation:
          "In CSRF, another site makes the victim's browser send a request that the browser " +
          'authenticates automatically (with cookies). Anti-CSRF tokens and `SameSite` cookies ' +
          'are the usual defences.',
        choices: [
          [
            "A malicious site makes the victim's browser send an authenticated request to another site",
            true,
          ],
          ['An attacker injects a script into a page that other users view', false],
          ['An attacker guesses session ids by brute force', false],
          ['A server fetches an attacker-chosen internal URL', false],
        ],
      },
      {
        type: 'single_choice',
        text: 'How should a server store user passwords?',
        explanation:
          'Use a deliberately slow, salted password hash such as argon2id (or scrypt/bcrypt). ' +
          'Fast hashes like SHA-256 can be brute-forced at billions of guesses per second, and ' +
          'anything reversible (encryption, encoding) exposes every password if the key leaks.',
        choices: [
          ['As an argon2id hash with a per-password salt', true],
          ['As a SHA-256 hash', false],
          ['Encrypted with AES under a server key', false],
          ['Base64-encoded', false],
        ],
      },
      {
        type: 'multiple_choice',
        text: 'Which statements about signed JWT access tokens are true?',
        explanation:
          'A signed (JWS) token is only base64url-encoded: anyone holding it can read the payload. ' +
          'The signature makes tampering detectable, but only if the server verifies it with an ' +
          'algorithm allowlist and checks `exp`, `iss` and `aud`. `alg: none` must never be accepted.',
        choices: [
          ['Anyone who holds the token can read its payload', true],
          ['The server must verify the signature and check expiry, issuer and audience', true],
          ['Internal services may accept tokens with `alg: none`', false],
          ['Changing the payload without the signing key is detected on verification', true],
        ],
      },
      {
        type: 'true_false',
        text:
          'By default, the same-origin policy lets a script on `https://a.example` read responses ' +
          'from `https://b.example`.',
        explanation:
          'Different hosts are different origins. The browser may send the request, but the ' +
          'script cannot read the response unless `b.example` allows it with CORS headers.',
        choices: trueFalse(false),
      },
      {
        type: 'single_choice',
        text: 'Which response header tells browsers to use only HTTPS for a site from now on?',
        explanation:
          '`Strict-Transport-Security` (HSTS) makes the browser upgrade every future request to ' +
          'HTTPS for the given `max-age`, which prevents SSL-stripping attacks.',
        choices: [
          ['`Strict-Transport-Security`', true],
          ['`X-Content-Type-Options`', false],
          ['`Referrer-Policy`', false],
          ['`Access-Control-Allow-Origin`', false],
        ],
      },
    ],
  },
  {
    id: '5a3b1e00-0000-4000-8000-000000000003',
    title: 'Introductory statistics',
    description: 'Averages, spread, probability, the normal distribution and p-values.',
    longDescription: [
      'Eight questions for a first course in statistics: mean and median, measures of spread,',
      'simple probability, the normal distribution, correlation and p-values.',
      '',
      'No time limit; three attempts. After submitting you see which answers were right.',
      '60 % passes.',
    ].join('\n'),
    settings: {
      timeLimitMinutes: null,
      maxAttempts: 3,
      passMark: 60,
      shuffleQuestions: false,
      shuffleChoices: false,
      reviewPolicy: 'show_correctness',
    },
    questions: [
      {
        type: 'single_choice',
        text: 'What is the mean of 2, 4, 4, 4, 5, 5, 7, 9?',
        explanation: 'The values add up to 40 and there are 8 of them: 40 / 8 = 5.',
        choices: [
          ['4', false],
          ['4.5', false],
          ['5', true],
          ['5.5', false],
        ],
      },
      {
        type: 'single_choice',
        text: 'What is the median of 3, 1, 7, 5, 9, 11?',
        explanation:
          'Sorted: 1, 3, 5, 7, 9, 11. With an even count the median is the mean of the two middle ' +
          'values: (5 + 7) / 2 = 6.',
        choices: [
          ['5', false],
          ['6', true],
          ['7', false],
          ['6.5', false],
        ],
      },
      {
        type: 'true_false',
        text: 'A strong correlation between two variables proves that one causes the other.',
        explanation:
          'Correlation is not causation: both may be driven by a third variable, the direction ' +
          'may be reversed, or the association may be chance.',
        choices: trueFalse(false),
      },
      {
        type: 'single_choice',
        text: 'What is the probability of rolling an even number with one fair six-sided die?',
        explanation: 'Three of the six equally likely faces (2, 4, 6) are even: 3 / 6 = 1/2.',
        choices: [
          ['1/6', false],
          ['1/3', false],
          ['1/2', true],
          ['2/3', false],
        ],
      },
      {
        type: 'multiple_choice',
        text: 'Which of these measure the spread of a data set?',
        explanation:
          'Variance, standard deviation and the interquartile range describe how spread out the ' +
          'values are. The mode and the median describe where the centre is.',
        choices: [
          ['Standard deviation', true],
          ['Interquartile range', true],
          ['Variance', true],
          ['Mode', false],
          ['Median', false],
        ],
      },
      {
        type: 'single_choice',
        text:
          'In a normal distribution, roughly what share of values lies within one standard ' +
          'deviation of the mean?',
        explanation:
          'The 68–95–99.7 rule: about 68 % within one standard deviation, 95 % within two and ' +
          '99.7 % within three.',
        choices: [
          ['50 %', false],
          ['68 %', true],
          ['95 %', false],
          ['99.7 %', false],
        ],
      },
      {
        type: 'true_false',
        text: 'A p-value of 0.03 means there is a 3 % probability that the null hypothesis is true.',
        explanation:
          'A p-value is the probability of data at least as extreme as observed *assuming* the ' +
          'null hypothesis is true. It is not the probability that the hypothesis is true.',
        choices: trueFalse(false),
      },
      {
        type: 'single_choice',
        text: 'Adding one very large outlier to a data set changes which of these the most?',
        explanation:
          'The mean uses every value, so one extreme value pulls it strongly. The median, the ' +
          'mode and the interquartile range are resistant to a single outlier.',
        choices: [
          ['The mean', true],
          ['The median', false],
          ['The mode', false],
          ['The interquartile range', false],
        ],
      },
    ],
  },
];

/**
 * Adds the sample exams, published and owned by `SAMPLES_AUTHOR`, if the database has no exams
 * at all (a fresh install). Idempotent and safe to run from several instances at once. Returns
 * how many exams it added.
 */
export async function seedSampleExams(
  exams: ExamsRepository,
  now: Date = new Date(),
): Promise<number> {
  if ((await exams.countExams()) > 0) return 0;
  let added = 0;
  // Spaced by a millisecond so the catalog lists them in this order (newest first).
  for (const [index, sample] of [...SAMPLE_EXAMS].reverse().entries()) {
    const at = new Date(now.getTime() + index).toISOString();
    const row: ExamRow = {
      id: sample.id,
      owner_subject: SAMPLES_AUTHOR.subject,
      owner_issuer: SAMPLES_AUTHOR.issuer,
      owner_name: SAMPLES_AUTHOR.displayName,
      title: sample.title,
      description: sample.description,
      long_description: sample.longDescription,
      search_text: searchTextOf(sample.title, sample.description),
      status: 'published',
      time_limit_minutes: sample.settings.timeLimitMinutes,
      max_attempts: sample.settings.maxAttempts,
      pass_mark: sample.settings.passMark,
      shuffle_questions: sample.settings.shuffleQuestions ? 1 : 0,
      shuffle_choices: sample.settings.shuffleChoices ? 1 : 0,
      review_policy: sample.settings.reviewPolicy,
      question_count: 0,
      max_score: 0,
      created_at: at,
      updated_at: at,
      published_at: at,
      archived_at: null,
    };
    const questions = sample.questions.map((question): QuestionToWrite & { id: string } => ({
      id: randomUUID(),
      type: question.type,
      text: question.text,
      points: question.points ?? 1,
      explanation: question.explanation,
      choices: question.choices.map(([text, correct]) => ({ id: randomUUID(), text, correct })),
    }));
    if (await exams.insertExamWithQuestions(row, questions)) added++;
  }
  return added;
}
