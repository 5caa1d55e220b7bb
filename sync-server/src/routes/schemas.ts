import { ACCOMPANIMENT_KINDS, HOURS_MAX, TITLE_MAX } from '@compagnon/model';
import { z } from '@hono/zod-openapi';
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password.ts';

// French messages for every validation error (INPUT1): field-specific ones below, zod's French locale for
// the rest, and "champ obligatoire" for a missing field.
z.config(z.locales.fr());
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'champ obligatoire' : undefined,
});

/** A field's own message for a wrong value, "champ obligatoire" when it is missing. */
const orMissing = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'champ obligatoire' : message;

export const ErrorSchema = z
  .object({
    error: z.string().openapi({ example: 'Adresse e-mail ou mot de passe incorrect.' }),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Détail des champs refusés (erreurs de validation)' }),
  })
  .openapi('Error');

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

const email = z
  .email({ error: orMissing('adresse e-mail invalide') })
  .max(254, { error: 'adresse e-mail trop longue' })
  .openapi({ example: 'claire.dubois@exemple.fr' });
const password = z
  .string()
  .min(PASSWORD_MIN, { error: `au moins ${PASSWORD_MIN} caractères` })
  .max(PASSWORD_MAX, { error: `au plus ${PASSWORD_MAX} caractères` })
  .openapi({ example: 'une phrase de passe' });
const personName = z
  .string()
  .trim()
  .min(1, { error: 'le nom ne peut pas être vide' })
  .max(100, { error: 'au plus 100 caractères' })
  .openapi({ example: 'Claire Dubois' });

export const SignUpSchema = z.object({ email, password, name: personName }).openapi('SignUp');
export const SignInSchema = z
  .object({ email, password: z.string().min(1, { error: 'champ obligatoire' }).max(PASSWORD_MAX) })
  .openapi('SignIn');
export const AcceptInvitationSchema = z.object({ name: personName, password }).openapi('AcceptInvitation');
export const InviteSchema = z.object({ email }).openapi('Invite');

export const CreateAccompanimentSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, { error: 'le titre ne peut pas être vide' })
      .max(TITLE_MAX, { error: `au plus ${TITLE_MAX} caractères` })
      .openapi({ example: 'Bilan de compétences — Léa Martin' }),
    kind: z.enum(ACCOMPANIMENT_KINDS, {
      error: orMissing(`type inconnu (attendu : ${ACCOMPANIMENT_KINDS.join(', ')})`),
    }),
    hoursBudget: z
      .number({ error: orMissing('nombre d’heures attendu') })
      .min(0, { error: 'le nombre d’heures ne peut pas être négatif' })
      .max(HOURS_MAX, { error: `au plus ${HOURS_MAX} heures` })
      .openapi({ example: 24 }),
  })
  .openapi('CreateAccompaniment');

export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['coach', 'learner']),
  })
  .openapi('Me');

export const AcceptedSchema = MeSchema.extend({ accompanimentId: z.string() }).openapi('InvitationAccepted');

export const AccompanimentSchema = z
  .object({
    id: z.string().openapi({ example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' }),
    title: z.string(),
    kind: z.enum(ACCOMPANIMENT_KINDS),
    hoursBudget: z.number(),
    sharedDoc: z.string().openapi({ description: 'Nom du document partagé, à ouvrir sur /sync/{docName}' }),
    privateDoc: z.string().nullable().openapi({
      description: 'Nom du document privé de la personne qui accompagne ; null pour l’accompagné·e',
    }),
    role: z.enum(['coach', 'learner']).openapi({ description: 'Rôle de l’appelant dans cet accompagnement' }),
    coach: z.object({ id: z.string(), name: z.string() }),
    learner: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
    createdAt: z.string().openapi({ example: '2026-11-27T09:30:00.000Z' }),
  })
  .openapi('Accompaniment');

export const InvitationCreatedSchema = z
  .object({
    token: z.string(),
    url: z.string(),
    email: z.string(),
    expiresAt: z.string(),
    emailSent: z.boolean(),
  })
  .openapi('InvitationCreated');

export const InvitationInfoSchema = z
  .object({
    accompanimentTitle: z.string(),
    coachName: z.string(),
    email: z.string(),
    expiresAt: z.string(),
  })
  .openapi('InvitationInfo');

/** Names the fields in French in the summary message. */
const FIELD_LABELS: Record<string, string> = {
  email: 'adresse e-mail',
  password: 'mot de passe',
  name: 'nom',
  title: 'titre',
  kind: 'type',
  hoursBudget: 'heures prévues',
};

export function validationError(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const details = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = details
    .map((d) => (d.path ? `${FIELD_LABELS[d.path] ?? d.path} : ${d.message}` : d.message))
    .join(' ; ');
  return { error: `Requête invalide — ${summary}.`, details };
}
