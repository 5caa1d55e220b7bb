import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('[AUTH1] stores argon2id with its parameters, a random salt, and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(ARGON2_PARAMS.memory).toBeGreaterThanOrEqual(19 * 1024);
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterie')).toBe(false);
    const again = await hashPassword('correct horse battery');
    expect(again).not.toBe(stored);
  });

  it('[AUTH1] refuses malformed or tampered stored values without throwing', async () => {
    const stored = await hashPassword('secret-secret');
    expect(await verifyPassword('', 'secret-secret')).toBe(false);
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$abc', 'secret-secret')).toBe(false);
    const tampered = stored.slice(0, -2) + (stored.endsWith('AA') ? 'BB' : 'AA');
    expect(await verifyPassword(tampered, 'secret-secret')).toBe(false);
  });
});
