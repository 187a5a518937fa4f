import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { uuidv7 } from '@app/common';
import { AuthConfig } from '../auth.config';
import { AccountsRepository } from './accounts.repository';
import { PasswordHasher } from './password-hasher';
import { normalizePassword, passwordWeakness } from './password-policy';
import { checkUsername, searchKey, usernameKey } from './username';

/**
 * The first admin comes from configuration (ADMIN_USERNAME + ADMIN_PASSWORD), created at start
 * when no account has that name. Idempotent: an existing admin is left alone (their password
 * may have been changed since), and an existing ordinary account is never promoted, since
 * whoever registered the name first would become admin.
 */
@Injectable()
export class AdminBootstrap implements OnModuleInit {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly config: AuthConfig,
    private readonly repository: AccountsRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async onModuleInit(): Promise<void> {
    const admin = checkAdminConfig(this.config);
    if (!admin) return;
    const { name, key, password } = admin;
    const existing = await this.repository.findByUsernameKey(key);
    if (existing) {
      if (existing.role !== 'admin') {
        this.logger.warn(
          `ADMIN_USERNAME "${name}" belongs to an existing ${existing.role} account; not promoting it. ` +
            'Choose another name, or promote that account in the database if it is yours.',
        );
      }
      return;
    }
    const created = await this.repository.createUser({
      id: uuidv7(),
      username: name,
      usernameKey: key,
      displayName: name,
      displayNameKey: searchKey(name),
      statusText: '',
      passwordHash: await this.hasher.hash(normalizePassword(password)),
      role: 'admin',
      createdAt: new Date(),
    });
    // Another instance starting at the same moment may have won; either way the admin exists.
    if (created !== 'username_taken') this.logger.log(`created admin account "${name}"`);
  }
}

/**
 * The configured admin account, checked against the username rules and the password policy;
 * null when none is configured. Called before the service connects to anything, so a bad
 * setting stops the start cleanly with the reason.
 */
export function checkAdminConfig(
  config: Pick<AuthConfig, 'ADMIN_USERNAME' | 'ADMIN_PASSWORD'>,
): { name: string; key: string; password: string } | null {
  if (!config.ADMIN_USERNAME) return null;
  // A reserved name ('admin') is exactly what an operator may want here.
  const name = checkUsername(config.ADMIN_USERNAME, { allowReserved: true });
  if (!name.ok) throw new Error(`ADMIN_USERNAME: ${name.reason}`);
  const key = usernameKey(name.value);
  const weakness = passwordWeakness(config.ADMIN_PASSWORD, key);
  if (weakness) throw new Error(`ADMIN_PASSWORD: ${weakness}`);
  return { name: name.value, key, password: config.ADMIN_PASSWORD };
}
