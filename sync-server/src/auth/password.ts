import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with argon2id from `node:crypto` (AUTH1). Parameters follow the OWASP minimum for
 * argon2id (19 MiB, 2 passes, 1 lane). The stored string carries its own parameters so they can be raised
 * later without breaking existing accounts:
 *   $argon2id$v=19$m=19456,t=2,p=1$<salt base64>$<hash base64>
 */
export const ARGON2_PARAMS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;

export const PASSWORD_MIN = 8;
/** Long enough for any passphrase, short enough that hashing cannot be abused as a denial of service. */
export const PASSWORD_MAX = 256;

interface Parsed {
  memory: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, p: Omit<Parsed, 'salt' | 'hash'>, tagLength: number) {
  return new Promise<Buffer>((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: Buffer.from(password, 'utf8'),
        nonce: salt,
        memory: p.memory,
        passes: p.passes,
        parallelism: p.parallelism,
        tagLength,
      },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, ARGON2_PARAMS, ARGON2_PARAMS.tagLength);
  const { memory, passes, parallelism } = ARGON2_PARAMS;
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(hash)}`;
}

const FORMAT = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parse(stored: string): Parsed | null {
  const m = FORMAT.exec(stored);
  if (!m) return null;
  const parsed = {
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    salt: Buffer.from(m[4]!, 'base64'),
    hash: Buffer.from(m[5]!, 'base64'),
  };
  if (parsed.salt.length < 8 || parsed.hash.length < 16 || parsed.parallelism < 1 || parsed.passes < 1)
    return null;
  return parsed;
}

/** Constant-time check of a password against a stored hash; false for any malformed stored value. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

let dummy: Promise<string> | null = null;

/** A hash to verify against when the account does not exist, so response time does not reveal it. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
