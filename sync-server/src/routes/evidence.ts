// The evidence documents of an accompaniment (EVID1–EVID4): the certificat de réalisation, the Qualiopi
// evidence pack and the activity report, as PDFs drawn from administrative facts only.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { membershipIn } from '../auth/access.ts';
import { activityData, renderActivityPdf } from '../evidence/activity.ts';
import { renderCertificatePdf } from '../evidence/certificate.ts';
import { commonFacts, organisationOf } from '../evidence/facts.ts';
import { evidencePackData, renderEvidencePackPdf } from '../evidence/pack.ts';
import type { Accompaniment } from '../storage/accompaniments.ts';
import type { User } from '../storage/users.ts';
import { audit } from './audit.ts';
import type { AppEnv, Services } from './context.ts';
import { newRouter } from './router.ts';
import { ACC_NOT_FOUND, IdParam, UNAUTHENTICATED } from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

const pdfRoute = (path: string, summary: string, who: string) =>
  createRoute({
    method: 'get',
    path,
    tags: ['Traçabilité'],
    summary,
    request: { params: IdParam },
    responses: {
      200: {
        description: 'Le PDF (pièce jointe)',
        content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
      },
      401: errorResponse('Non connecté·e'),
      403: errorResponse(who),
      404: errorResponse('Introuvable'),
    },
  });

const certificate = pdfRoute(
  '/accompaniments/{id}/certificate.pdf',
  'Le certificat de réalisation (coach, co-référent·e, personne accompagnée)',
  'Réservé aux personnes de l’accompagnement',
);
const evidence = pdfRoute(
  '/accompaniments/{id}/evidence.pdf',
  'Le dossier de preuves Qualiopi : chronologie des faits administratifs (coach, co-référent·e, responsable)',
  'Réservé à la personne qui accompagne et à la personne responsable de l’organisme',
);
const activity = pdfRoute(
  '/accompaniments/{id}/activity.pdf',
  'Le rapport d’activité : heures, séances, avancement (coach, co-référent·e)',
  'Réservé à la personne qui accompagne',
);

type Viewer = 'coach' | 'learner' | 'manager';

export function evidenceRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  /**
   * The caller's part: coach (co-referents included) or learner of the accompaniment, or manager of its
   * coach's organisation; null for anyone else, who is answered like for a missing one (AUTH5).
   */
  async function viewerOf(user: User, id: string): Promise<{ acc: Accompaniment; viewer: Viewer } | null> {
    const member = await membershipIn(storage, user, id);
    if (member) return { acc: member.acc, viewer: member.role };
    const acc = await storage.accompaniments.find(id);
    if (!acc || user.role !== 'coach') return null;
    const membership = await storage.organisations.membershipOf(user.id);
    const org = await organisationOf(storage, acc);
    return membership?.role === 'manager' && org?.id === membership.organisation.id
      ? { acc, viewer: 'manager' }
      : null;
  }

  async function send(
    c: Context<AppEnv>,
    allowed: readonly Viewer[],
    refusal: string,
    fileName: string,
    label: string,
    render: (acc: Accompaniment) => Promise<Buffer>,
  ) {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await viewerOf(session.user, c.req.param('id') ?? '');
    if (!found || (found.viewer === 'manager' && !allowed.includes('manager')))
      return c.json(ACC_NOT_FOUND, 404);
    if (!allowed.includes(found.viewer)) return c.json({ error: refusal }, 403);
    const bytes = await render(found.acc);
    await audit(services, {
      actorId: session.user.id,
      action: 'export.downloaded',
      targetType: 'accompaniment',
      targetId: found.acc.id,
      summary: `${label} téléchargé.`,
      accompanimentId: found.acc.id,
    });
    c.header('Content-Type', 'application/pdf');
    c.header('Content-Disposition', `attachment; filename="${fileName}"`);
    c.header('Content-Length', String(bytes.length));
    return c.body(new Uint8Array(bytes), 200);
  }

  app.openapi(certificate, (c) =>
    send(
      c,
      ['coach', 'learner'],
      'Réservé aux personnes de l’accompagnement.',
      'certificat-de-realisation.pdf',
      'Certificat de réalisation',
      async (acc) => renderCertificatePdf(await commonFacts(storage, acc, clock.now())),
    ),
  );

  app.openapi(evidence, (c) =>
    send(
      c,
      ['coach', 'manager'],
      'Le dossier de preuves est réservé à la personne qui accompagne et à la personne responsable de l’organisme.',
      'dossier-de-preuves-qualiopi.pdf',
      'Dossier de preuves Qualiopi',
      async (acc) => renderEvidencePackPdf(await evidencePackData(storage, services.sync, acc, clock.now())),
    ),
  );

  app.openapi(activity, (c) =>
    send(
      c,
      ['coach'],
      'Le rapport d’activité est réservé à la personne qui accompagne.',
      'rapport-d-activite.pdf',
      'Rapport d’activité',
      async (acc) => renderActivityPdf(await activityData(storage, acc, clock.now())),
    ),
  );

  return app;
}
