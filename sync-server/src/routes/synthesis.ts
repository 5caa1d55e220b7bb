// The document de synthèse of an accompaniment (SYN1–SYN6): its text (read from the shared document), the
// learner's validations, and the PDF.
import { createHash } from 'node:crypto';
import {
  Doc,
  applyUpdate,
  docNames,
  synthesisCanonicalText,
  synthesisText,
  type AccompanimentId,
} from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { membershipIn } from '../auth/access.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import { renderSynthesisPdf } from '../synthesis/pdf.ts';
import type { AppEnv, Services } from './context.ts';
import { newRouter } from './router.ts';
import { errorResponse } from './schemas.ts';

const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f8c3e-5d0e-4a53-9d1b-6f0d2a1c7e42' }),
});

const SectionSchema = z.object({
  key: z.string().openapi({ example: 'skills' }),
  title: z.string().openapi({ example: 'Compétences et aptitudes' }),
  text: z.string(),
});

const ValidationSchema = z.object({
  validatedAt: z.string().openapi({ description: 'Heure du serveur (ISO 8601)' }),
  by: z.object({ id: z.string(), name: z.string() }),
  hash: z.string().openapi({ description: 'SHA-256 (hexadécimal) du texte validé' }),
  current: z.boolean().openapi({ description: 'Le texte actuel est encore celui qui a été validé' }),
});

const SynthesisSchema = z
  .object({ sections: z.array(SectionSchema), validations: z.array(ValidationSchema) })
  .openapi('Synthesis');

const ValidatedSchema = z
  .object({
    validatedAt: z.string(),
    version: z.number().int().openapi({ description: 'Numéro de cette validation (1, 2…)' }),
  })
  .openapi('SynthesisValidated');

const get = createRoute({
  method: 'get',
  path: '/{id}/synthesis',
  tags: ['Synthèse'],
  summary: 'Le document de synthèse : le texte de chaque section et les validations (coach et accompagné·e)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Synthèse', content: { 'application/json': { schema: SynthesisSchema } } },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const validate = createRoute({
  method: 'post',
  path: '/{id}/synthesis/validation',
  tags: ['Synthèse'],
  summary: 'Valider le document de synthèse dans son état actuel (la personne accompagnée seulement)',
  request: { params: IdParam },
  responses: {
    201: {
      description: 'Validation enregistrée',
      content: { 'application/json': { schema: ValidatedSchema } },
    },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne accompagnée'),
    404: errorResponse('Introuvable'),
    503: errorResponse('Synchronisation indisponible'),
  },
});

const pdf = createRoute({
  method: 'get',
  path: '/{id}/synthesis.pdf',
  tags: ['Synthèse'],
  summary: 'Le document de synthèse en PDF (coach et personne accompagnée de cet accompagnement)',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'Le PDF',
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
    },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé au coach et à la personne accompagnée'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Accompagnement introuvable.' };
const FORBIDDEN_PDF = {
  error: 'Le document de synthèse est réservé à la personne accompagnée et à son coach.',
};

export function synthesisHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function synthesisRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  /** The accompaniment and the caller's part in it, or null (404 for strangers, AUTH5). */
  function membership(c: Context<AppEnv>, id: string) {
    const session = c.get('session');
    return session ? membershipIn(storage, session.user, id) : null;
  }

  /**
   * Runs `read` on the shared document: the live one when its room is loaded (the latest edits), else a
   * copy rebuilt from the update log (SYN2). Only the shared document: the private one is never read here.
   */
  function withSharedDoc<T>(acc: Accompaniment, read: (doc: Doc) => T): T {
    const name = docNames(acc.id as AccompanimentId).shared;
    const room = services.sync?.rooms.get(name);
    if (room && !room.destroyed) return read(room.doc);
    const doc = new Doc();
    try {
      for (const update of storage.docs.load(name)) applyUpdate(doc, update);
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  function state(acc: Accompaniment) {
    const { sections, hash } = withSharedDoc(acc, (doc) => ({
      sections: synthesisText(doc),
      hash: synthesisHash(synthesisCanonicalText(doc)),
    }));
    const validations = storage.synthesisValidations.list(acc.id).map((v) => ({
      ...v,
      current: v.hash === hash,
    }));
    return { sections, hash, validations };
  }

  app.openapi(get, (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    const { sections, validations } = state(member.acc);
    return c.json(
      {
        sections,
        validations: validations.map((v) => ({
          validatedAt: new Date(v.validatedAt).toISOString(),
          by: v.by,
          hash: v.hash,
          current: v.current,
        })),
      },
      200,
    );
  });

  app.openapi(validate, (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'learner')
      return c.json({ error: 'Seule la personne accompagnée peut valider son document de synthèse.' }, 403);
    const hash = withSharedDoc(member.acc, (doc) => synthesisHash(synthesisCanonicalText(doc)));
    const now = clock.now();
    const version = storage.synthesisValidations.add(member.acc.id, member.user.id, now, hash);
    return c.json({ validatedAt: new Date(now).toISOString(), version }, 201);
  });

  app.openapi(pdf, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = membership(c, c.req.valid('param').id);
    // Unlike the JSON routes, the PDF answers 403 to anyone signed in who is not part of it (SYN5).
    if (!member) return c.json(FORBIDDEN_PDF, 403);
    const { acc } = member;
    const { sections, validations } = state(acc);
    const last = validations.at(-1);
    const bytes = await renderSynthesisPdf({
      accompanimentTitle: acc.title,
      learnerName: acc.learner?.name ?? null,
      coachName: acc.coach.name,
      startedAt: acc.createdAt,
      generatedAt: clock.now(),
      sections,
      validation: last ? { by: last.by.name, at: last.validatedAt, current: last.current } : null,
    });
    c.header('Content-Type', 'application/pdf');
    c.header('Content-Disposition', 'attachment; filename="document-de-synthese.pdf"');
    c.header('Content-Length', String(bytes.length));
    return c.body(new Uint8Array(bytes), 200);
  });

  return app;
}
