// The document de synthèse of an accompaniment (SYN1–SYN9): its text (read from the shared document), the
// learner's validations, the PDF, and its sending to a third party with the learner's consent.
import { createHash, randomUUID } from 'node:crypto';
import {
  docNames,
  synthesisCanonicalText,
  synthesisText,
  type AccompanimentId,
  type Doc,
} from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { membershipIn } from '../auth/access.ts';
import { withDoc } from '../evidence/documents.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { SynthesisConsent, SynthesisSend } from '../storage/synthesis.ts';
import { renderSynthesisPdf } from '../synthesis/pdf.ts';
import { audit } from './audit.ts';
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

const ConsentParams = IdParam.extend({
  consentId: z
    .string()
    .max(100)
    .openapi({ param: { name: 'consentId', in: 'path' }, example: '5c1a0e9e-2b7d-4f7e-9a55-0c8a1b7d3e10' }),
});

export const CONSENT_NAME_MAX = 100;
export const CONSENT_PURPOSE_MAX = 500;

const ConsentInputSchema = z
  .object({
    recipientName: z
      .string({ error: 'champ obligatoire' })
      .trim()
      .min(1, { error: 'indiquez le nom du destinataire' })
      .max(CONSENT_NAME_MAX, { error: `au plus ${CONSENT_NAME_MAX} caractères` })
      .openapi({ example: 'Marc Lefèvre (Pôle emploi)' }),
    recipientEmail: z
      .email({ error: 'adresse e-mail invalide' })
      .max(254, { error: 'adresse e-mail trop longue' })
      .openapi({ example: 'marc.lefevre@exemple.fr' }),
    purpose: z
      .string({ error: 'champ obligatoire' })
      .trim()
      .min(1, { error: 'indiquez le but de la transmission' })
      .max(CONSENT_PURPOSE_MAX, { error: `au plus ${CONSENT_PURPOSE_MAX} caractères` })
      .openapi({ example: 'Financement de ma formation' }),
  })
  .openapi('SynthesisConsentInput');

const ConsentSchema = z
  .object({
    id: z.string(),
    recipientName: z.string(),
    recipientEmail: z.string(),
    purpose: z.string(),
    consentedAt: z.string().openapi({ description: 'Heure du serveur (ISO 8601)' }),
    by: z.object({ id: z.string(), name: z.string() }),
    hash: z.string().openapi({ description: 'SHA-256 du texte validé auquel l’accord se rapporte' }),
    revokedAt: z.string().nullable(),
    valid: z.boolean().openapi({
      description: 'Non retiré, donné par la personne accompagnée, et portant sur le texte validé actuel',
    }),
    sends: z.array(
      z.object({
        sentAt: z.string(),
        by: z.object({ id: z.string(), name: z.string() }),
        delivered: z.boolean(),
      }),
    ),
  })
  .openapi('SynthesisConsent');

const SendInputSchema = z
  .object({ consentId: z.string({ error: 'champ obligatoire' }).min(1).max(100) })
  .openapi('SynthesisSendInput');

const SentSchema = z
  .object({ sentAt: z.string(), to: z.string(), consentId: z.string() })
  .openapi('SynthesisSent');

const listConsents = createRoute({
  method: 'get',
  path: '/{id}/synthesis/consents',
  tags: ['Synthèse'],
  summary: 'Les accords de la personne accompagnée pour transmettre sa synthèse (coach et accompagné·e)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Accords', content: { 'application/json': { schema: z.array(ConsentSchema) } } },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const createConsent = createRoute({
  method: 'post',
  path: '/{id}/synthesis/consents',
  tags: ['Synthèse'],
  summary: 'Donner son accord pour transmettre la synthèse validée à une personne (la personne accompagnée)',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: ConsentInputSchema } }, required: true },
  },
  responses: {
    201: { description: 'Accord enregistré', content: { 'application/json': { schema: ConsentSchema } } },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne accompagnée'),
    404: errorResponse('Introuvable'),
    409: errorResponse('La synthèse n’est pas validée dans son état actuel'),
  },
});

const revokeConsent = createRoute({
  method: 'delete',
  path: '/{id}/synthesis/consents/{consentId}',
  tags: ['Synthèse'],
  summary: 'Retirer un accord (la personne accompagnée) : il est conservé, marqué retiré',
  request: { params: ConsentParams },
  responses: {
    200: { description: 'Accord retiré', content: { 'application/json': { schema: ConsentSchema } } },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la personne accompagnée'),
    404: errorResponse('Introuvable'),
  },
});

const send = createRoute({
  method: 'post',
  path: '/{id}/synthesis/send',
  tags: ['Synthèse'],
  summary: 'Envoyer le PDF de la synthèse par e-mail au destinataire d’un accord valide (le coach)',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: SendInputSchema } }, required: true },
  },
  responses: {
    202: {
      description: 'E-mail remis au serveur d’envoi',
      content: { 'application/json': { schema: SentSchema } },
    },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Pas d’accord valide de la personne accompagnée, ou pas le coach'),
    404: errorResponse('Introuvable'),
    502: errorResponse('Le serveur d’envoi a refusé l’e-mail'),
    503: errorResponse('Envoi d’e-mails non configuré'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Accompagnement introuvable.' };
const FORBIDDEN_PDF = {
  error: 'Le document de synthèse est réservé à la personne accompagnée et à son coach.',
};
const LEARNER_ONLY_CONSENT = {
  error: 'Seule la personne accompagnée peut donner ou retirer son accord pour transmettre sa synthèse.',
};
const NOT_VALIDATED = {
  error:
    'Le document de synthèse doit d’abord être validé dans son état actuel : un accord porte sur une version validée.',
};
const CONSENT_NOT_FOUND = { error: 'Accord introuvable.' };
const COACH_ONLY_SEND = {
  error: 'Seul le coach de cet accompagnement peut transmettre le document de synthèse.',
};
const NO_VALID_CONSENT = {
  error:
    'Transmission refusée : il faut un accord de la personne accompagnée, non retiré, portant sur la version validée actuelle du document.',
};
const NO_MAILER = { error: 'L’envoi d’e-mails n’est pas configuré sur ce serveur.' };
const MAIL_FAILED = { error: 'Le serveur d’envoi a refusé l’e-mail. Réessayez plus tard.' };

const dateFr = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });
const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The e-mail carrying the synthesis to the person the learner named (SYN8), in French. */
export function synthesisMail(input: {
  recipientName: string;
  learnerName: string;
  coachName: string;
  purpose: string;
  consentedAt: number;
}): { subject: string; text: string; html: string } {
  const date = dateFr.format(new Date(input.consentedAt));
  const subject = `Document de synthèse du bilan de compétences de ${input.learnerName}`;
  const lines = (q: (s: string) => string) => [
    `Bonjour ${q(input.recipientName)},`,
    `${q(input.coachName)} vous transmet le document de synthèse du bilan de compétences de ${q(input.learnerName)}, en pièce jointe (PDF).`,
    `${q(input.learnerName)} a donné son accord le ${date} pour cette transmission, dans ce but : « ${q(input.purpose)} ».`,
    `Ce document est confidentiel : ne le communiquez pas à d’autres personnes sans l’accord de ${q(input.learnerName)}.`,
  ];
  const text = [...lines((s) => s).flatMap((l) => [l, '']), '— Compagnon'].join('\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">
${lines(escapeHtml)
  .map((l) => `<p>${l}</p>`)
  .join('\n')}
<p>— Compagnon</p>
</body></html>`;
  return { subject, text, html };
}

export function synthesisHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function synthesisRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  /** The accompaniment and the caller's part in it, or null (404 for strangers, AUTH5). */
  async function membership(c: Context<AppEnv>, id: string) {
    const session = c.get('session');
    return session ? membershipIn(storage, session.user, id) : null;
  }

  /**
   * Runs `read` on the shared document: the live one when its room is loaded (the latest edits), else a
   * copy rebuilt from the update log (SYN2). Only the shared document: the private one is never read here.
   */
  const withSharedDoc = <T>(acc: Accompaniment, read: (doc: Doc) => T): Promise<T> =>
    withDoc(storage, services.sync, docNames(acc.id as AccompanimentId).shared, read);

  async function state(acc: Accompaniment) {
    const { sections, hash } = await withSharedDoc(acc, (doc) => ({
      sections: synthesisText(doc),
      hash: synthesisHash(synthesisCanonicalText(doc)),
    }));
    const validations = (await storage.synthesisValidations.list(acc.id)).map((v) => ({
      ...v,
      current: v.hash === hash,
    }));
    return { sections, hash, validations };
  }

  /** The hash of the text as it is now, and whether the learner validated that very text. */
  async function currentVersion(acc: Accompaniment): Promise<{ hash: string; validated: boolean }> {
    const hash = await withSharedDoc(acc, (doc) => synthesisHash(synthesisCanonicalText(doc)));
    const validations = await storage.synthesisValidations.list(acc.id);
    return { hash, validated: validations.some((v) => v.hash === hash) };
  }

  /**
   * A consent lets the coach send the synthesis only while it is the current learner's, not revoked, and
   * about the validated text as it is now (SYN8): any change of the text needs a new validation and a new
   * consent.
   */
  function consentValid(
    acc: Accompaniment,
    consent: SynthesisConsent,
    version: { hash: string; validated: boolean },
  ) {
    return (
      consent.revokedAt === null &&
      acc.learner !== null &&
      consent.by.id === acc.learner.id &&
      version.validated &&
      consent.hash === version.hash
    );
  }

  function consentJson(
    acc: Accompaniment,
    consent: SynthesisConsent,
    version: { hash: string; validated: boolean },
    sends: readonly SynthesisSend[],
  ) {
    return {
      id: consent.id,
      recipientName: consent.recipientName,
      recipientEmail: consent.recipientEmail,
      purpose: consent.purpose,
      consentedAt: new Date(consent.consentedAt).toISOString(),
      by: consent.by,
      hash: consent.hash,
      revokedAt: consent.revokedAt === null ? null : new Date(consent.revokedAt).toISOString(),
      valid: consentValid(acc, consent, version),
      sends: sends
        .filter((x) => x.consentId === consent.id)
        .map((x) => ({ sentAt: new Date(x.sentAt).toISOString(), by: x.by, delivered: x.delivered })),
    };
  }

  async function renderPdf(acc: Accompaniment): Promise<Buffer> {
    const { sections, validations } = await state(acc);
    const last = validations.at(-1);
    return renderSynthesisPdf({
      accompanimentTitle: acc.title,
      learnerName: acc.learner?.name ?? null,
      coachName: acc.coach.name,
      startedAt: acc.createdAt,
      generatedAt: clock.now(),
      sections,
      validation: last ? { by: last.by.name, at: last.validatedAt, current: last.current } : null,
    });
  }

  app.openapi(get, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    const { sections, validations } = await state(member.acc);
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

  app.openapi(validate, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'learner')
      return c.json({ error: 'Seule la personne accompagnée peut valider son document de synthèse.' }, 403);
    const hash = await withSharedDoc(member.acc, (doc) => synthesisHash(synthesisCanonicalText(doc)));
    const now = clock.now();
    const version = await storage.synthesisValidations.add(member.acc.id, member.user.id, now, hash);
    await audit(services, {
      actorId: member.user.id,
      action: 'synthesis.validated',
      targetType: 'accompaniment',
      targetId: member.acc.id,
      summary: `Document de synthèse validé par la personne accompagnée (version ${version}).`,
      accompanimentId: member.acc.id,
    });
    return c.json({ validatedAt: new Date(now).toISOString(), version }, 201);
  });

  app.openapi(pdf, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    // Unlike the JSON routes, the PDF answers 403 to anyone signed in who is not part of it (SYN5).
    if (!member) return c.json(FORBIDDEN_PDF, 403);
    const bytes = await renderPdf(member.acc);
    await audit(services, {
      actorId: member.user.id,
      action: 'export.downloaded',
      targetType: 'accompaniment',
      targetId: member.acc.id,
      summary: 'Document de synthèse (PDF) téléchargé.',
      accompanimentId: member.acc.id,
    });
    c.header('Content-Type', 'application/pdf');
    c.header('Content-Disposition', 'attachment; filename="document-de-synthese.pdf"');
    c.header('Content-Length', String(bytes.length));
    return c.body(new Uint8Array(bytes), 200);
  });

  app.openapi(listConsents, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    const { acc } = member;
    const version = await currentVersion(acc);
    const sends = await storage.synthesisConsents.sends(acc.id);
    return c.json(
      (await storage.synthesisConsents.list(acc.id)).map((consent) =>
        consentJson(acc, consent, version, sends),
      ),
      200,
    );
  });

  app.openapi(createConsent, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'learner') return c.json(LEARNER_ONLY_CONSENT, 403);
    const { acc } = member;
    const version = await currentVersion(acc);
    if (!version.validated) return c.json(NOT_VALIDATED, 409);
    const body = c.req.valid('json');
    const id = randomUUID();
    await storage.synthesisConsents.add({
      id,
      accompanimentId: acc.id,
      learnerId: member.user.id,
      recipientName: body.recipientName,
      recipientEmail: body.recipientEmail.trim(),
      purpose: body.purpose,
      consentedAt: clock.now(),
      hash: version.hash,
    });
    await audit(services, {
      actorId: member.user.id,
      action: 'synthesis.consent-given',
      targetType: 'accompaniment',
      targetId: acc.id,
      summary: 'Accord de transmission de la synthèse à un tiers donné par la personne accompagnée.',
      accompanimentId: acc.id,
    });
    const created = await storage.synthesisConsents.find(acc.id, id);
    if (!created) throw new Error('accord enregistré introuvable');
    return c.json(consentJson(acc, created, version, []), 201);
  });

  app.openapi(revokeConsent, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const { id: accId, consentId } = c.req.valid('param');
    const member = await membership(c, accId);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'learner') return c.json(LEARNER_ONLY_CONSENT, 403);
    const { acc } = member;
    // Revoked once: revoking again keeps the first revocation time.
    if (await storage.synthesisConsents.revoke(acc.id, consentId, clock.now()))
      await audit(services, {
        actorId: member.user.id,
        action: 'synthesis.consent-revoked',
        targetType: 'accompaniment',
        targetId: acc.id,
        summary: 'Accord de transmission de la synthèse retiré par la personne accompagnée.',
        accompanimentId: acc.id,
      });
    const consent = await storage.synthesisConsents.find(acc.id, consentId);
    if (!consent) return c.json(CONSENT_NOT_FOUND, 404);
    const sends = await storage.synthesisConsents.sends(acc.id);
    return c.json(consentJson(acc, consent, await currentVersion(acc), sends), 200);
  });

  app.openapi(send, async (c) => {
    if (!c.get('session')) return c.json(UNAUTHENTICATED, 401);
    const member = await membership(c, c.req.valid('param').id);
    if (!member) return c.json(NOT_FOUND, 404);
    if (member.role !== 'coach') return c.json(COACH_ONLY_SEND, 403);
    const { acc } = member;
    const consent = await storage.synthesisConsents.find(acc.id, c.req.valid('json').consentId);
    const version = await currentVersion(acc);
    if (!consent || !consentValid(acc, consent, version)) return c.json(NO_VALID_CONSENT, 403);
    if (!services.mailer) return c.json(NO_MAILER, 503);
    const pdfBytes = await renderPdf(acc);
    const mail = synthesisMail({
      recipientName: consent.recipientName,
      learnerName: consent.by.name,
      coachName: acc.coach.name,
      purpose: consent.purpose,
      consentedAt: consent.consentedAt,
    });
    const delivered = await services.mailer.send({
      to: consent.recipientEmail,
      ...mail,
      replyTo: (await storage.users.findById(acc.coach.id))?.email,
      attachments: [
        { filename: 'document-de-synthese.pdf', content: pdfBytes, contentType: 'application/pdf' },
      ],
    });
    const sentAt = clock.now();
    // Every attempt is kept, delivered or not: who, when, to whom, which version (SYN9).
    await storage.synthesisConsents.recordSend(acc.id, {
      consentId: consent.id,
      byId: member.user.id,
      sentAt,
      recipientEmail: consent.recipientEmail,
      hash: version.hash,
      delivered,
    });
    await audit(services, {
      actorId: member.user.id,
      action: 'synthesis.sent',
      targetType: 'accompaniment',
      targetId: acc.id,
      summary: delivered
        ? 'Document de synthèse transmis à un tiers, avec l’accord de la personne accompagnée.'
        : 'Transmission du document de synthèse refusée par le serveur de messagerie.',
      accompanimentId: acc.id,
    });
    if (!delivered) return c.json(MAIL_FAILED, 502);
    return c.json(
      { sentAt: new Date(sentAt).toISOString(), to: consent.recipientEmail, consentId: consent.id },
      202,
    );
  });

  return app;
}
