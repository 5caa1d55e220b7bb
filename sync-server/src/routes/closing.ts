// The closing workflow of an accompaniment (CLOSE1–CLOSE5): the coach requests it, the learner agrees in
// writing to what is kept, the coach executes it — the working documents are destroyed, what was agreed is
// kept for a year, and a proof of deletion is recorded.
import { docNames, listExercises, listMessages, synthesisText, type AccompanimentId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { membershipIn } from '../auth/access.ts';
import { agreementText, performClosing } from '../evidence/closing.ts';
import { withDoc } from '../evidence/documents.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import { KEEP_CHOICES, closingState, type ClosingProof, type ClosingRecord } from '../storage/closing.ts';
import { audit } from './audit.ts';
import type { AppEnv, Services } from './context.ts';
import { newRouter } from './router.ts';
import { ACC_NOT_FOUND, IdParam, UNAUTHENTICATED } from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

const Person = z.object({ id: z.string(), name: z.string() });

const ProofSchema = z
  .object({
    closedAt: z.string(),
    closedBy: Person,
    agreedAt: z.string(),
    agreedBy: Person,
    keep: z.array(z.enum(KEEP_CHOICES)),
    documents: z.array(
      z.object({
        role: z.enum(['shared', 'private']),
        name: z.string().nullable().openapi({
          description: 'Nom du document (caché à la personne accompagnée pour le document privé)',
        }),
        updates: z.number().int().openapi({ description: 'Mises à jour stockées détruites' }),
        sha256: z.string().openapi({ description: 'Empreinte SHA-256 de l’état final détruit' }),
      }),
    ),
    deletedFiles: z.array(z.string()),
    kept: z.array(
      z.object({
        kind: z.enum(KEEP_CHOICES),
        fileId: z.string(),
        name: z.string(),
        sha256: z.string(),
        retainUntil: z.string(),
      }),
    ),
  })
  .openapi('ClosingProof');

const ClosingSchema = z
  .object({
    state: z.enum(['open', 'requested', 'agreed', 'closed']),
    requestedAt: z.string().nullable(),
    requestedBy: Person.nullable(),
    agreement: z
      .object({
        keep: z.array(z.enum(KEEP_CHOICES)),
        agreedAt: z.string(),
        by: Person,
        text: z.string().openapi({ description: 'Le texte accepté par écrit par la personne accompagnée' }),
      })
      .nullable(),
    proof: ProofSchema.nullable(),
    inventory: z
      .object({
        exercises: z.number().int(),
        messages: z.number().int(),
        files: z.number().int(),
        synthesisWritten: z.boolean(),
      })
      .nullable()
      .openapi({ description: 'Ce que la clôture détruira (null une fois clôturé)' }),
    kept: z.array(z.object({ kind: z.enum(KEEP_CHOICES), fileId: z.string(), retainUntil: z.string() })),
  })
  .openapi('Closing');

const AgreementInput = z
  .object({
    keep: z
      .array(z.enum(KEEP_CHOICES, { error: 'à conserver : synthesis, exercises ou files' }), {
        error: 'liste de ce qui est conservé attendue',
      })
      .max(KEEP_CHOICES.length)
      .refine((list) => new Set(list).size === list.length, { error: 'chaque élément une seule fois' }),
  })
  .openapi('ClosingAgreementInput');

const ok = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});
const TAGS = ['Clôture'];

const get = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/closing',
  tags: TAGS,
  summary: 'L’état de la clôture, l’accord écrit, la preuve de suppression (coach et personne accompagnée)',
  request: { params: IdParam },
  responses: {
    200: ok('Clôture', ClosingSchema),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const request = createRoute({
  method: 'post',
  path: '/accompaniments/{id}/closing/request',
  tags: TAGS,
  summary: 'Demander la clôture (coach)',
  request: { params: IdParam },
  responses: {
    200: ok('Clôture demandée', ClosingSchema),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui accompagne'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Clôture déjà demandée ou faite'),
  },
});

const agreement = createRoute({
  method: 'post',
  path: '/accompaniments/{id}/closing/agreement',
  tags: TAGS,
  summary: 'Accepter par écrit la clôture et choisir ce qui est conservé un an (personne accompagnée)',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: AgreementInput } }, required: true },
  },
  responses: {
    200: ok('Accord enregistré', ClosingSchema),
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne accompagnée'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Pas de clôture demandée, ou déjà acceptée'),
  },
});

const execute = createRoute({
  method: 'post',
  path: '/accompaniments/{id}/closing/execute',
  tags: TAGS,
  summary:
    'Exécuter la clôture acceptée : destruction des documents de travail, preuve de suppression (coach)',
  request: { params: IdParam },
  responses: {
    200: ok('Clôture faite', z.object({ proof: ProofSchema })),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne qui accompagne'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Accord de la personne accompagnée manquant, ou déjà clôturé'),
  },
});

const COACH_ONLY = { error: 'Seule la personne qui accompagne peut demander ou exécuter la clôture.' };
const iso = (ms: number) => new Date(ms).toISOString();

export function closingRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();
  /** Executions under way: a second click waits for nothing and is refused. */
  const executing = new Set<string>();

  const person = async (id: string) => ({ id, name: (await storage.users.findById(id))?.name ?? '—' });

  async function proofJson(proof: ClosingProof, role: 'coach' | 'learner') {
    return {
      closedAt: iso(proof.closedAt),
      closedBy: await person(proof.closedBy),
      agreedAt: iso(proof.agreedAt),
      agreedBy: await person(proof.agreedBy),
      keep: proof.keep,
      documents: proof.documents.map((d) => {
        const docRole = d.name.endsWith('.private') ? ('private' as const) : ('shared' as const);
        // The learner never gets the private document's name (AUTH4), only that it was destroyed.
        return {
          role: docRole,
          name: docRole === 'private' && role !== 'coach' ? null : d.name,
          updates: d.updates,
          sha256: d.sha256,
        };
      }),
      deletedFiles: proof.deletedFiles,
      kept: proof.kept.map((k) => ({ ...k, retainUntil: iso(k.retainUntil) })),
    };
  }

  async function closingJson(acc: Accompaniment, record: ClosingRecord | null, role: 'coach' | 'learner') {
    const state = closingState(record);
    const inventory =
      record?.lockedAt !== null && record?.lockedAt !== undefined
        ? null
        : {
            ...(await withDoc(storage, services.sync, docNames(acc.id as AccompanimentId).shared, (doc) => ({
              exercises: listExercises(doc).length,
              messages: listMessages(doc).length,
              synthesisWritten: synthesisText(doc).some((s) => s.text.trim() !== ''),
            }))),
            files: (await storage.retention.accompanimentFiles(acc.id)).length,
          };
    return {
      state,
      requestedAt: record ? iso(record.requestedAt) : null,
      requestedBy: record ? await person(record.requestedBy) : null,
      agreement:
        record && record.agreedAt !== null && record.agreedBy
          ? {
              keep: record.keep ?? [],
              agreedAt: iso(record.agreedAt),
              by: await person(record.agreedBy),
              text: record.agreementText ?? '',
            }
          : null,
      proof: record?.proof ? await proofJson(record.proof, role) : null,
      inventory,
      kept: (await storage.retention.kept(acc.id)).map((k) => ({
        kind: k.kind,
        fileId: k.fileId,
        retainUntil: iso(k.retainUntil),
      })),
    };
  }

  async function member(c: Context<AppEnv>) {
    const session = c.get('session');
    return session ? await membershipIn(storage, session.user, c.req.param('id') ?? '') : null;
  }

  app.openapi(get, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const m = await member(c);
    if (!m) return c.json(ACC_NOT_FOUND, 404);
    return c.json(await closingJson(m.acc, await storage.closings.find(m.acc.id), m.role), 200);
  });

  app.openapi(request, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const m = await member(c);
    if (!m) return c.json(ACC_NOT_FOUND, 404);
    if (m.role !== 'coach') return c.json(COACH_ONLY, 403);
    if (await storage.closings.find(m.acc.id))
      return c.json({ error: 'La clôture de cet accompagnement est déjà demandée.' }, 409);
    if (!m.acc.learner)
      return c.json(
        { error: 'Pas de personne accompagnée : il n’y a personne pour accepter la clôture.' },
        409,
      );
    await storage.closings.request(m.acc.id, m.user.id, clock.now());
    await audit(services, {
      actorId: m.user.id,
      action: 'closing.requested',
      targetType: 'accompaniment',
      targetId: m.acc.id,
      summary: 'Clôture de l’accompagnement demandée.',
      accompanimentId: m.acc.id,
    });
    return c.json(await closingJson(m.acc, await storage.closings.find(m.acc.id), m.role), 200);
  });

  app.openapi(agreement, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const m = await member(c);
    if (!m) return c.json(ACC_NOT_FOUND, 404);
    if (m.role !== 'learner')
      return c.json({ error: 'Seule la personne accompagnée peut accepter la clôture.' }, 403);
    const record = await storage.closings.find(m.acc.id);
    const state = closingState(record);
    if (state !== 'requested')
      return c.json(
        {
          error:
            state === 'open'
              ? 'Aucune clôture n’est demandée pour cet accompagnement.'
              : 'Votre accord est déjà enregistré.',
        },
        409,
      );
    const keep = c.req.valid('json').keep;
    const text = agreementText({ learnerName: m.user.name, title: m.acc.title, keep });
    if (!(await storage.closings.agree(m.acc.id, m.user.id, keep, text, clock.now())))
      return c.json({ error: 'Votre accord est déjà enregistré.' }, 409);
    await audit(services, {
      actorId: m.user.id,
      action: 'closing.agreed',
      targetType: 'accompaniment',
      targetId: m.acc.id,
      summary: `Accord écrit de la personne accompagnée sur la clôture ; conservé : ${keep.length === 0 ? 'rien' : keep.join(', ')}.`,
      accompanimentId: m.acc.id,
    });
    return c.json(await closingJson(m.acc, await storage.closings.find(m.acc.id), m.role), 200);
  });

  app.openapi(execute, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const m = await member(c);
    if (!m) return c.json(ACC_NOT_FOUND, 404);
    if (m.role !== 'coach') return c.json(COACH_ONLY, 403);
    // Checked and marked without yielding, so a second click is refused while the first runs.
    if (executing.has(m.acc.id)) return c.json({ error: 'La clôture est en cours.' }, 409);
    executing.add(m.acc.id);
    try {
      const state = closingState(await storage.closings.find(m.acc.id));
      if (state === 'closed') return c.json({ error: 'Cet accompagnement est déjà clôturé.' }, 409);
      if (state !== 'agreed')
        return c.json({ error: 'La personne accompagnée doit d’abord accepter la clôture par écrit.' }, 409);
      const proof = await performClosing(services, m.acc, m.user.id);
      await audit(services, {
        actorId: m.user.id,
        action: 'closing.executed',
        targetType: 'accompaniment',
        targetId: m.acc.id,
        summary:
          `Clôture exécutée : ${proof.documents.length} documents de travail détruits ` +
          `(${proof.documents.reduce((n, d) => n + d.updates, 0)} mises à jour), ${proof.deletedFiles.length} ` +
          `fichier(s) supprimé(s), ${proof.kept.length} conservé(s) un an.`,
        accompanimentId: m.acc.id,
      });
      return c.json({ proof: await proofJson(proof, 'coach') }, 200);
    } finally {
      executing.delete(m.acc.id);
    }
  });

  return app;
}

/** What stays possible on a closed accompaniment: its closing, its administrative facts, co-referents, and
 * the learner withdrawing a consent. */
const OPEN_AFTER_CLOSING = /^\/api\/accompaniments\/[^/]+\/(closing(\/|$)|admin$|co-referents(\/|$))/;
const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses (409) the changes to a closed accompaniment (CLOSE5): its working documents are destroyed, so
 * nothing may write to them again — not even through the API, which would recreate them.
 */
export function closedGuard(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!MUTATIONS.has(c.req.method)) return next();
    const path = new URL(c.req.url).pathname.replace(/\/+$/, '');
    if (OPEN_AFTER_CLOSING.test(path)) return next();
    if (c.req.method === 'DELETE' && /\/synthesis\/consents\/[^/]+$/.test(path)) return next();
    const id = /^\/api\/accompaniments\/([^/]+)/.exec(path)?.[1];
    if (id && (await services.storage.closings.isLocked(decodeURIComponent(id)))) return c.json(CLOSED, 409);
    return next();
  };
}

export const CLOSED = {
  error:
    'Cet accompagnement est clôturé : ses documents de travail ont été détruits et il ne peut plus être modifié.',
};
