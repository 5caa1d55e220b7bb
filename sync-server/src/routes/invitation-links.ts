import type { Context } from 'hono';
import { hashPassword } from '../auth/password.ts';
import { isWellFormedToken, newToken, tokenHash } from '../auth/tokens.ts';
import type { InvitationBase } from '../storage/invitations.ts';
import type { Storage } from '../storage/storage.ts';
import { EmailTakenError, type User } from '../storage/users.ts';

/** Invitation links live 14 days and serve once (AUTH9, ORG3). */
export const INVITATION_TTL_MS = 14 * 24 * 3600_000;

export const INVITATION_USED = 'Cette invitation a déjà été utilisée.';
export const INVITATION_UNKNOWN = 'Invitation inconnue.';

export interface NewInvitationLink {
  token: string;
  tokenHash: string;
  /** `<PUBLIC_URL or request origin><path>/<token>` */
  url: string;
  createdAt: number;
  expiresAt: number;
}

/** A fresh single-use link under `path` (e.g. `/invitation`); the caller stores `tokenHash`, never `token`. */
export function newInvitationLink(
  c: Context,
  publicUrl: string | undefined,
  path: string,
): NewInvitationLink {
  const token = newToken();
  const createdAt = Date.now();
  const base = (publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
  return {
    token,
    tokenHash: tokenHash(token),
    url: `${base}${path}/${token}`,
    createdAt,
    expiresAt: createdAt + INVITATION_TTL_MS,
  };
}

/** The stored invitation of a token from a link, or null when it is malformed or unknown (404). */
export async function findByToken<T>(
  token: string,
  find: (hash: string) => Promise<T | null>,
): Promise<T | null> {
  return isWellFormedToken(token) ? find(tokenHash(token)) : null;
}

/** Why an invitation can no longer be used (410), or null while it can. */
export function invitationGone(invitation: InvitationBase, expired: string, now = Date.now()): string | null {
  if (invitation.usedAt !== null) return INVITATION_USED;
  if (invitation.revokedAt !== null)
    return 'Cette invitation a été remplacée par une invitation plus récente.';
  if (invitation.expiresAt <= now) return expired;
  return null;
}

/** The JSON answer to the creation of an invitation. */
export function invitationCreatedJson(link: NewInvitationLink, email: string, emailSent: boolean) {
  return {
    token: link.token,
    url: link.url,
    email,
    expiresAt: new Date(link.expiresAt).toISOString(),
    emailSent,
  };
}

export const ACCOUNT_EXISTS =
  'Un compte existe déjà avec l’adresse e-mail de cette invitation : connectez-vous avec ce compte.';

/** Thrown by an invitation's `link` step to refuse the acceptance; nothing of it is stored. */
export class AcceptConflict extends Error {
  readonly status: 409 | 410;
  constructor(status: 409 | 410, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Creates the invited person's account and links it (`link`: mark the invitation used, attach the account)
 * in one transaction, so two concurrent accepts cannot both succeed. Returns the user, or the refusal.
 */
export async function createInvitedAccount(
  storage: Storage,
  account: { email: string; name: string; password: string; role: User['role'] },
  link: (user: User) => Promise<void>,
): Promise<User | { status: 409 | 410; error: string }> {
  if (await storage.users.findByEmail(account.email)) return { status: 409, error: ACCOUNT_EXISTS };
  const passwordHash = await hashPassword(account.password);
  try {
    // `await` here, so that a refusal thrown by `link` is caught below.
    return await storage.transaction(async () => {
      const user = await storage.users.create({
        email: account.email,
        name: account.name,
        role: account.role,
        passwordHash,
      });
      await link(user);
      return user;
    });
  } catch (error) {
    if (error instanceof EmailTakenError) return { status: 409, error: ACCOUNT_EXISTS };
    if (error instanceof AcceptConflict) return { status: error.status, error: error.message };
    throw error;
  }
}
