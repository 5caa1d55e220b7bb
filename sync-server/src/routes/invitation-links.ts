import type { Context } from 'hono';
import { isWellFormedToken, newToken, tokenHash } from '../auth/tokens.ts';
import type { InvitationBase } from '../storage/invitations.ts';

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
export function findByToken<T>(token: string, find: (hash: string) => T | null): T | null {
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
