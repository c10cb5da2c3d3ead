import { sign, type KeyObject } from 'node:crypto';

/** One malformed token, signed with a real key so only the malformation is wrong. */
export interface MalformedTokenCase {
  readonly name: string;
  readonly token: string;
  /** The code the API must answer (always with 401 and `error="invalid_token"`). */
  readonly code: 'invalid_header' | 'invalid_claims';
}

/** A key that signs, and the header and claims of a token the verifier accepts. */
export interface ValidToken {
  readonly key: KeyObject;
  readonly alg: 'ES256' | 'RS256';
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

// Every JSON type, and strings where the member wants something else.
const NON_STRINGS: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  true,
  false,
  {},
  { a: 1 },
  [],
  ['x'],
  [1],
];
const NON_NUMBERS: readonly unknown[] = [null, '1', '2030-01-01T00:00:00Z', true, {}, [], [1]];

const b64url = (json: string): string => Buffer.from(json).toString('base64url');

/** Signs a compact JWS over exactly these header and payload texts (no validation). */
export function signCompact(valid: ValidToken, headerJson: string, payloadJson: string): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`;
  const signature =
    valid.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: valid.key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), valid.key);
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Tokens whose JOSE header or claims have members of the wrong type or a forbidden value,
 * generated over every JSON type for each member that matters (and whole headers and claim
 * sets that are not JSON objects). Each is otherwise valid, so a 200 means the malformation
 * was missed; each must be a 401 with the given code, never a 5xx.
 */
export function malformedTokenCases(valid: ValidToken): MalformedTokenCase[] {
  const cases: MalformedTokenCase[] = [];
  const claimsJson = JSON.stringify(valid.claims);
  const headerJson = JSON.stringify(valid.header);
  const withHeader = (name: string, value: unknown, code: MalformedTokenCase['code']) => {
    cases.push({
      name: `header ${name}: ${JSON.stringify(value)}`,
      token: signCompact(valid, JSON.stringify({ ...valid.header, [name]: value }), claimsJson),
      code,
    });
  };
  const withClaim = (name: string, value: unknown) => {
    cases.push({
      name: `claim ${name}: ${JSON.stringify(value)}`,
      token: signCompact(valid, headerJson, JSON.stringify({ ...valid.claims, [name]: value })),
      code: 'invalid_claims',
    });
  };

  for (const name of ['kid', 'alg', 'typ', 'cty']) {
    for (const value of NON_STRINGS) withHeader(name, value, 'invalid_header');
  }
  for (const value of ['', 'none', 'HS256', 'RS384', 'ES512', 'EdDSA ']) {
    withHeader('alg', value, 'invalid_header');
  }
  for (const value of ['', 'unknown-key', 'k'.repeat(300)])
    withHeader('kid', value, 'invalid_header');
  for (const value of [...NON_STRINGS, ['exp'], ['b64'], [''], 'exp']) {
    withHeader('crit', value, 'invalid_header');
  }
  for (const value of [...NON_STRINGS, 'false']) withHeader('b64', value, 'invalid_header');
  for (const name of ['jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'jwk']) {
    for (const value of [...NON_STRINGS, 'https://attacker.example/keys']) {
      withHeader(name, value, 'invalid_header');
    }
  }
  for (const raw of ['null', '[]', '1', '"x"', 'true', '{', '']) {
    cases.push({
      name: `header text ${JSON.stringify(raw)}`,
      token: signCompact(valid, raw, claimsJson),
      code: 'invalid_header',
    });
  }

  for (const name of ['iat', 'exp', 'nbf']) {
    for (const value of NON_NUMBERS) withClaim(name, value);
  }
  for (const value of [
    null,
    1,
    {},
    { [String(valid.claims['aud'])]: true },
    [1],
    [[valid.claims['aud']]],
  ]) {
    withClaim('aud', value);
  }
  for (const value of [null, 1, {}, [valid.claims['iss']]]) withClaim('iss', value);
  for (const value of [null, 1, {}, [], ['account-1'], '']) withClaim('sub', value);
  for (const value of [1, {}, [], ['assay-web'], '']) withClaim('client_id', value);
  for (const value of [{}, { jkt: 'x' }, null, 'x']) withClaim('cnf', value);
  for (const raw of ['null', '[]', '1', '"x"', 'true', '{', '']) {
    cases.push({
      name: `claims text ${JSON.stringify(raw)}`,
      token: signCompact(valid, headerJson, raw),
      code: 'invalid_header',
    });
  }
  return cases;
}
