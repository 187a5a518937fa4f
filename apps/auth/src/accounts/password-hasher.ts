import { randomBytes } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AuthConfig } from '../auth.config';

/** argon2id with the configured cost. Input is expected already normalised (see password-policy). */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly params: { memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash?: string;

  constructor(config: AuthConfig) {
    this.params = {
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_ITERATIONS,
      parallelism: config.ARGON2_PARALLELISM,
    };
  }

  /** Computed at start with the live parameters, so checking it costs what checking a real hash does. */
  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(32).toString('base64'));
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** False also for a stored hash that cannot be parsed: a corrupt row must not let anyone in. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spend the same time as a real check when there is no user, so timing does not tell who exists. */
  async verifyAgainstDummy(password: string): Promise<void> {
    if (!this.dummyHash) await this.onModuleInit();
    await this.verify(this.dummyHash as string, password);
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.params);
    } catch {
      return false;
    }
  }
}
