import type { Config } from '../config.ts';
import { SecretsRepository } from '../identity/provider/secrets.repository.ts';
import { SigningKeysRepository } from '../identity/provider/signing-keys.repository.ts';
import { createDatabase } from '../platform/db.ts';
import {
  generateSecretsKey,
  openSecretsKeyring,
  rotateSecretsKeyFile,
  secretsKeyFile,
  type SecretsKeyring,
} from '../platform/secrets-key.ts';
import type { CliCommand } from './command.ts';

/** Re-encrypts every stored secret under the keyring's current key; returns how many. */
async function resealAll(config: Config, keyring: SecretsKeyring): Promise<number> {
  const db = createDatabase(config.database);
  try {
    const secrets = await new SecretsRepository(db, keyring).resealAll();
    return secrets + (await new SigningKeysRepository(db, keyring).resealAll());
  } finally {
    await db.destroy();
  }
}

const generateKey: CliCommand = {
  words: ['secrets', 'generate-key'],
  summary: 'Print a new random key for SECRETS_KEY (32 bytes, base64url)',
  run({ io }) {
    io.stdout.write(`${generateSecretsKey()}\n`);
    return Promise.resolve(0);
  },
};

const rotate: CliCommand = {
  words: ['secrets', 'rotate'],
  summary: 'Re-encrypt the stored secrets under SECRETS_KEY (on SQLite without it: a new key file)',
  async run({ io, loadConfig }) {
    const config = loadConfig();
    const { target } = config.database;
    if (
      config.secrets.key === undefined &&
      target.engine === 'sqlite' &&
      target.file !== ':memory:'
    ) {
      const file = secretsKeyFile(target.file);
      const count = await rotateSecretsKeyFile(file, async (keyring) => ({
        resealed: await resealAll(config, keyring),
        keyId: await keyring.currentKeyId(),
      }));
      io.stdout.write(
        `Re-encrypted ${count.resealed} secret(s) under a new key (id ${count.keyId}) in ${file}.\n` +
          'The old key is gone: back up the new key file now (apart from the database).\n',
      );
      return 0;
    }
    const keyring = await openSecretsKeyring(config);
    const resealed = await resealAll(config, keyring);
    io.stdout.write(
      `Re-encrypted ${resealed} secret(s) under SECRETS_KEY (id ${await keyring.currentKeyId()}); ` +
        'the others already were.\n' +
        (config.secrets.previousKeys.length > 0
          ? 'Remove SECRETS_KEY_PREVIOUS from every instance now (and restart them).\n'
          : ''),
    );
    return 0;
  },
};

/** The key that encrypts secrets at rest. */
export const secretsCommands: readonly CliCommand[] = [generateKey, rotate];
