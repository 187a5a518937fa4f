import { loadConfig } from '@app/common';
import { AuthConfig } from '../auth.config';
import { PasswordHasher } from './password-hasher';

const SECRET = 'x'.repeat(32);

describe('PasswordHasher', () => {
  it('hashes with argon2id at the default (OWASP) cost and verifies', async () => {
    const hasher = new PasswordHasher(loadConfig(AuthConfig, { JWT_SECRET: SECRET }));
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(hasher.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'correct horse batterY')).resolves.toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('wants a rehash of a hash made with a lower cost', async () => {
    const cheap = new PasswordHasher(
      loadConfig(AuthConfig, { JWT_SECRET: SECRET, ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' }),
    );
    const hash = await cheap.hash('correct horse battery');
    expect(hash).toMatch(/m=1024,t=1,p=1/);
    expect(cheap.needsRehash(hash)).toBe(false);
    expect(new PasswordHasher(loadConfig(AuthConfig, { JWT_SECRET: SECRET })).needsRehash(hash)).toBe(true);
  });

  it('refuses, without throwing, a stored hash it cannot parse', async () => {
    const hasher = new PasswordHasher(
      loadConfig(AuthConfig, { JWT_SECRET: SECRET, ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' }),
    );
    await expect(hasher.verify('not a hash', 'whatever1')).resolves.toBe(false);
    await expect(hasher.verifyAgainstDummy('whatever1')).resolves.toBeUndefined();
  });
});
