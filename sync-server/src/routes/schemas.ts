import {
  ACCOMPANIMENT_KINDS,
  EXPECTATION_KINDS,
  EXERCISE_LIMITS,
  HOURS_MAX,
  PROMPT_MAX,
  QUESTION_TYPES,
  REASON_MAX,
  RESOURCE_KINDS,
  STEP_STATUSES,
  STEP_TITLE_MAX,
  TEMPLATE_IDS,
  TITLE_MAX,
  parseExerciseDefinition,
} from '@compagnon/model';
import { z } from '@hono/zod-openapi';
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password.ts';
import { INACTIVITY_DAYS_MAX, INACTIVITY_DAYS_MIN } from '../storage/settings.ts';

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
    template: z
      .enum(TEMPLATE_IDS, {
        error: `modèle inconnu (attendu : ${TEMPLATE_IDS.join(', ')})`,
      })
      .optional()
      .openapi({
        description:
          'Parcours de départ (copié dans le document) ; `blank` par défaut : les phases du type, sans étape',
        example: 'bilan',
      }),
  })
  .openapi('CreateAccompaniment');

export const SettingsSchema = z
  .object({
    inactivityDays: z
      .number({ error: orMissing('nombre de jours attendu') })
      .int({ error: 'nombre entier de jours attendu' })
      .min(INACTIVITY_DAYS_MIN, { error: `au moins ${INACTIVITY_DAYS_MIN} jour` })
      .max(INACTIVITY_DAYS_MAX, { error: `au plus ${INACTIVITY_DAYS_MAX} jours` })
      .openapi({
        description: 'Jours sans contribution après lesquels une personne accompagnée apparaît inactive',
        example: 10,
      }),
  })
  .openapi('Settings');

export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['coach', 'learner']),
  })
  .openapi('Me');

export const MeWithSettingsSchema = MeSchema.extend({
  settings: SettingsSchema.optional().openapi({ description: 'Réglages (personnes qui accompagnent)' }),
}).openapi('MeWithSettings');

export const AcceptedSchema = MeSchema.extend({ accompanimentId: z.string() }).openapi('InvitationAccepted');

export const ProgressSchema = z
  .object({
    stepsTotal: z.number().int().openapi({ description: 'Étapes qui comptent (les étapes passées non)' }),
    stepsDone: z.number().int(),
    byPhase: z.array(
      z.object({ phaseId: z.string(), title: z.string(), total: z.number().int(), done: z.number().int() }),
    ),
  })
  .openapi('Progress');

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
    progress: ProgressSchema,
    adaptations: z.number().int().openapi({ description: 'Nombre d’adaptations tracées du parcours' }),
    lastLearnerActivityAt: z.string().nullable().openapi({
      description: 'Dernière modification du document partagé par la personne accompagnée (horloge serveur)',
    }),
    inactive: z.boolean().openapi({
      description:
        'La personne accompagnée existe et n’a rien apporté depuis `inactivityDays` jours (depuis son arrivée si jamais)',
    }),
    inactivityDays: z.number().int(),
  })
  .openapi('Accompaniment');

const isoDate = z.string().openapi({ example: '2026-11-27T09:30:00.000Z' });

export const TimelineEntrySchema = z
  .object({
    id: z.string(),
    at: isoDate.openapi({ description: 'Heure de l’appareil qui a fait le changement' }),
    receivedAt: isoDate.openapi({ description: 'Heure de réception par le serveur' }),
    by: z
      .object({ id: z.string(), name: z.string(), role: z.enum(['coach', 'learner']) })
      .nullable()
      .openapi({ description: 'La personne authentifiée dont la connexion a apporté le changement' }),
    verified: z.boolean().openapi({
      description:
        'false pour une entrée antérieure au journal du serveur : l’auteur affiché est celui que l’entrée déclare',
    }),
    kind: z.string().openapi({ example: 'pulled-forward' }),
    step: z.object({ id: z.string(), title: z.string() }),
    reason: z.string().nullable(),
  })
  .openapi('TimelineEntry');

const EDITABLE_ADAPTATIONS = [
  'pulled-forward',
  'postponed',
  'skipped',
  'added',
  'moved',
  'split',
  'removed',
] as const;

const id = (label: string) =>
  z
    .string({ error: orMissing(`identifiant de ${label} attendu`) })
    .min(1, { error: 'champ obligatoire' })
    .max(100, { error: 'identifiant trop long' });
const stepTitle = z
  .string({ error: orMissing('texte attendu') })
  .trim()
  .min(1, { error: 'le titre ne peut pas être vide' })
  .max(STEP_TITLE_MAX, { error: `au plus ${STEP_TITLE_MAX} caractères` });

export const ExpectationSchema = z
  .object({
    kind: z.enum(EXPECTATION_KINDS, {
      error: orMissing(`attendu inconnu (attendu : ${EXPECTATION_KINDS.join(', ')})`),
    }),
    prompt: z.string().max(PROMPT_MAX, { error: `au plus ${PROMPT_MAX} caractères` }),
  })
  .openapi('Expectation');

const REQUIRED_BY_KIND: Record<
  (typeof EDITABLE_ADAPTATIONS)[number],
  ('stepId' | 'phaseId' | 'title' | 'titles')[]
> = {
  'pulled-forward': ['stepId'],
  postponed: ['stepId'],
  skipped: ['stepId'],
  removed: ['stepId'],
  moved: ['stepId', 'phaseId'],
  split: ['stepId', 'titles'],
  added: ['phaseId', 'title'],
};

export const AdaptationRequestSchema = z
  .object({
    kind: z.enum(EDITABLE_ADAPTATIONS, {
      error: orMissing(`adaptation inconnue (attendu : ${EDITABLE_ADAPTATIONS.join(', ')})`),
    }),
    stepId: id('étape').optional(),
    reason: z
      .string()
      .max(REASON_MAX, { error: `au plus ${REASON_MAX} caractères` })
      .nullish()
      .openapi({ description: 'Obligatoire pour pulled-forward, postponed et skipped' }),
    phaseId: id('phase').optional().openapi({ description: 'added, moved : la phase visée' }),
    index: z
      .number()
      .int({ error: 'position entière attendue' })
      .min(0, { error: 'position positive attendue' })
      .max(100_000)
      .optional()
      .openapi({ description: 'added, moved : position dans la phase (fin par défaut)' }),
    title: stepTitle.optional().openapi({ description: 'added : titre de la nouvelle étape' }),
    titles: z
      .array(stepTitle)
      .min(1, { error: 'au moins une sous-étape' })
      .max(20, { error: 'au plus 20 sous-étapes' })
      .optional()
      .openapi({ description: 'split : titres des sous-étapes' }),
    expected: ExpectationSchema.optional().openapi({ description: 'added : ce que l’étape attend' }),
  })
  .superRefine((value, ctx) => {
    for (const field of REQUIRED_BY_KIND[value.kind] ?? [])
      if (value[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'champ obligatoire' });
  })
  .openapi('AdaptationRequest');

export const AdaptationAppliedSchema = z
  .object({
    ok: z.literal(true),
    stepId: z
      .string()
      .optional()
      .openapi({ description: 'L’étape concernée ; pour added, la nouvelle étape' }),
    stepIds: z.array(z.string()).optional().openapi({ description: 'split : les sous-étapes créées' }),
  })
  .openapi('AdaptationApplied');

export const StepStatusRequestSchema = z
  .object({
    status: z.enum(STEP_STATUSES, {
      error: orMissing(`statut inconnu (attendu : ${STEP_STATUSES.join(', ')})`),
    }),
    reason: z
      .string()
      .max(REASON_MAX, { error: `au plus ${REASON_MAX} caractères` })
      .nullish(),
  })
  .openapi('StepStatusRequest');

export const OkSchema = z.object({ ok: z.literal(true) }).openapi('Ok');

export const LIBRARY_BODY_MAX = 20_000;
export const URL_MAX = 2000;

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const LIBRARY_KINDS = ['resource', 'step', 'exercise'] as const;

const ChoiceOptionSchema = z.object({ id: z.string(), label: z.string() });

/** The shape of an exercise (documentation; the model's `parseExerciseDefinition` is what validates it). */
export const ExerciseDefinitionSchema = z
  .object({
    title: z.string().openapi({ example: 'Mes valeurs' }),
    instructions: z.string().optional(),
    questions: z
      .array(
        z.object({
          id: z.string(),
          type: z.enum(QUESTION_TYPES),
          prompt: z.string(),
          options: z.array(ChoiceOptionSchema).optional().openapi({ description: 'single, multiple' }),
          cards: z
            .array(ChoiceOptionSchema)
            .optional()
            .openapi({ description: 'ranking : cartes à classer' }),
          cells: z.array(ChoiceOptionSchema).optional().openapi({ description: 'grid : cases de la grille' }),
          min: z.number().int().optional().openapi({ description: 'scale' }),
          max: z.number().int().optional().openapi({ description: 'scale' }),
          minLabel: z.string().optional(),
          maxLabel: z.string().optional(),
        }),
      )
      .openapi({
        description: `1 à ${EXERCISE_LIMITS.questions} questions : text, single, multiple, scale, ranking, grid, timeline`,
      }),
  })
  .openapi('ExerciseDefinition');

/**
 * An exercise's definition as the model reads it, its title being the item's (LIB5); the model's French message
 * when it is refused.
 */
export function libraryExercise(
  title: string,
  exercise: unknown,
): ReturnType<typeof parseExerciseDefinition> {
  const withTitle =
    exercise !== null && typeof exercise === 'object' && !Array.isArray(exercise)
      ? { ...exercise, title }
      : exercise;
  return parseExerciseDefinition(withTitle);
}

export const LibraryItemInputSchema = z
  .object({
    kind: z.enum(LIBRARY_KINDS, {
      error: orMissing(`type inconnu (attendu : ${LIBRARY_KINDS.join(', ')})`),
    }),
    title: stepTitle,
    resourceKind: z
      .enum(RESOURCE_KINDS, { error: `type de ressource inconnu (attendu : ${RESOURCE_KINDS.join(', ')})` })
      .nullish(),
    body: z
      .string()
      .max(LIBRARY_BODY_MAX, { error: `au plus ${LIBRARY_BODY_MAX} caractères` })
      .nullish(),
    url: z
      .string()
      .trim()
      .max(URL_MAX, { error: `au plus ${URL_MAX} caractères` })
      .refine(isWebUrl, { error: 'adresse web invalide (http:// ou https:// attendu)' })
      .nullish(),
    fileId: id('fichier').nullish(),
    expected: ExpectationSchema.nullish(),
    exercise: z.unknown().optional().openapi({
      description:
        'exercise : la définition de l’exercice (voir ExerciseDefinition) ; son titre est celui de l’élément',
    }),
    shared: z.boolean({ error: 'vrai ou faux attendu' }).optional().openapi({
      description:
        'Partagé avec son organisation (faux à la création ; sans lui, une modification garde la valeur)',
    }),
  })
  .superRefine((v, ctx) => {
    const missing = (path: string, message = 'champ obligatoire') =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.kind === 'resource' && !v.resourceKind) missing('resourceKind');
    if (v.kind !== 'step' && v.expected) missing('expected', 'réservé aux étapes');
    if (v.kind !== 'exercise' && v.exercise != null) missing('exercise', 'réservé aux exercices');
    if (v.kind === 'exercise') {
      if (v.resourceKind) missing('resourceKind', 'pas de ressource dans un exercice');
      // Its content is checked by the route with the model's rules and messages (LIB5).
      if (v.exercise == null) missing('exercise');
      return;
    }
    if ((v.resourceKind === 'link' || v.resourceKind === 'video') && !v.url) missing('url');
    if (v.resourceKind === 'document' && !v.fileId && !v.url)
      missing('fileId', 'un fichier ou une adresse web est attendu');
    if (v.resourceKind === 'text' && !v.body?.trim()) missing('body');
  })
  .openapi('LibraryItemInput');

export const LibraryItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(LIBRARY_KINDS),
    title: z.string(),
    resourceKind: z.enum(RESOURCE_KINDS).nullable(),
    body: z.string().nullable(),
    url: z.string().nullable(),
    fileId: z.string().nullable(),
    fileName: z.string().nullable(),
    expected: ExpectationSchema.nullable(),
    exercise: ExerciseDefinitionSchema.nullable().openapi({ description: 'Les exercices seulement' }),
    shared: z.boolean().openapi({ description: 'Partagé avec l’organisation de sa ou son auteur·e' }),
    owner: z.object({ id: z.string(), name: z.string() }),
    mine: z
      .boolean()
      .openapi({ description: 'Ajouté par la personne connectée (seule à pouvoir le modifier)' }),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('LibraryItem');

export const FileInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    size: z.number().int(),
    type: z.string().openapi({ description: 'Type reconnu d’après le contenu', example: 'application/pdf' }),
  })
  .openapi('FileInfo');

export const InvitationCreatedSchema = z
  .object({
    token: z.string(),
    url: z.string(),
    email: z.string(),
    expiresAt: z.string(),
    emailSent: z.boolean(),
  })
  .openapi('InvitationCreated');

export const OrganisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['manager', 'coach']).openapi({ description: 'Rôle de la personne connectée' }),
    members: z.array(
      z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.enum(['manager', 'coach']) }),
    ),
  })
  .openapi('Organisation');

export const OrganisationNameSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'le nom ne peut pas être vide' })
      .max(200, { error: 'au plus 200 caractères' })
      .openapi({ example: 'Cabinet Horizon' }),
  })
  .openapi('OrganisationName');

export const AcceptOrganisationInvitationSchema = AcceptInvitationSchema.openapi(
  'AcceptOrganisationInvitation',
);

export const OrganisationInvitationInfoSchema = z
  .object({ organisationName: z.string(), inviterName: z.string(), email: z.string() })
  .openapi('OrganisationInvitationInfo');

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
  template: 'modèle',
  stepId: 'étape',
  phaseId: 'phase',
  reason: 'raison',
  index: 'position',
  titles: 'sous-étapes',
  status: 'statut',
  inactivityDays: 'jours d’inactivité',
  resourceKind: 'type de ressource',
  body: 'texte',
  url: 'adresse web',
  fileId: 'fichier',
  expected: 'attendu',
  exercise: 'exercice',
  advanceMs: 'durée',
};

export function validationError(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const details = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = details
    .map((d) => (d.path ? `${FIELD_LABELS[d.path] ?? d.path} : ${d.message}` : d.message))
    .join(' ; ');
  return { error: `Requête invalide — ${summary}.`, details };
}
