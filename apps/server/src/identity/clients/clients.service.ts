import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import { validationFailed } from '../../platform/errors.ts';
import type { ClientRow, ClientsRepository } from './clients.repository.ts';
import { ALL_PERMISSIONS, isPermission } from '../auth/permissions.ts';

/** A machine client as created: the secret is shown once and stored only as its hash. */
export interface CreatedClient {
  readonly client_id: string;
  readonly client_secret: string;
  readonly scope: string;
}

/** SHA-256 of a client secret, base64url: what `clients.secret_hash` stores. */
export function hashClientSecret(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/**
 * Compares a presented secret with a stored hash in constant time. SHA-256 suffices: the
 * secrets are 256 random bits, so there is nothing to brute-force.
 */
export function clientSecretMatches(presented: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = Buffer.from(hashClientSecret(presented), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Machine clients (client credentials grant). */
export class ClientsService {
  readonly #clients: ClientsRepository;

  constructor(clients: ClientsRepository) {
    this.#clients = clients;
  }

  /** Creates a client allowed exactly `scope` (space-separated permissions). */
  async create(name: string, scope: string): Promise<CreatedClient> {
    const trimmedName = name.trim();
    const scopes = [...new Set(scope.split(/\s+/).filter((item) => item !== ''))];
    const errors = [];
    if (trimmedName.length < 1 || trimmedName.length > 100) {
      errors.push({ field: '/name', message: 'Use 1 to 100 characters.' });
    }
    const unknown = scopes.filter((item) => !isPermission(item));
    if (scopes.length === 0 || unknown.length > 0) {
      errors.push({
        field: '/scope',
        message: `Give one or more of ${ALL_PERMISSIONS.join(', ')}${
          unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''
        }.`,
      });
    }
    if (errors.length > 0) throw validationFailed('The client is invalid.', errors);

    const clientId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = new Date().toISOString();
    const ordered = ALL_PERMISSIONS.filter((permission) => scopes.includes(permission)).join(' ');
    const row: ClientRow = {
      client_id: clientId,
      secret_hash: hashClientSecret(secret),
      name: trimmedName,
      scopes: ordered,
      metadata: '{}',
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await this.#clients.insert(row);
    return { client_id: clientId, client_secret: secret, scope: ordered };
  }

  async list(): Promise<ClientRow[]> {
    return this.#clients.list();
  }

  async find(clientId: string): Promise<ClientRow | undefined> {
    return this.#clients.find(clientId);
  }
}
