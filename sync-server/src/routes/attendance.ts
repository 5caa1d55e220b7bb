// The attendance sheet (SCHED8): signatures of a held session, corrections by the coach, the chain
// verification and the PDF. There is no route to change or remove a record, by design.
import { createRoute, z } from '@hono/zod-openapi';
import { membershipIn } from '../auth/access.ts';
import { attendanceSheetData, renderAttendancePdf } from '../scheduling/attendance-pdf.ts';
import { verifyChain, type AttendanceMethod, type ChainedRecord, type HalfDay } from '../scheduling/chain.ts';
import { SIGNATURE_MAX_CHARS, signatureBox } from '../scheduling/signature-path.ts';
import { toLocal } from '../scheduling/zoned.ts';
import type { Appointment } from '../storage/appointments.ts';
import type { Services } from './context.ts';
import { audit } from './audit.ts';
import { newRouter } from './router.ts';
import {
  ACC_NOT_FOUND,
  APPOINTMENT_NOT_FOUND,
  COACH_ONLY,
  IdParam,
  UNAUTHENTICATED,
  appointmentAccess,
  isoInstant,
  reason,
} from './scheduling-shared.ts';
import { errorResponse } from './schemas.ts';

export const MethodSchema = z.enum(['drawn', 'confirmed'], {
  error: 'méthode attendue : drawn ou confirmed',
});
export const signature = z
  .string({ error: 'tracé de signature attendu (données de chemin SVG)' })
  .optional()
  .openapi({ description: `Données de chemin SVG du tracé (au plus ${SIGNATURE_MAX_CHARS} caractères)` });

const SignSchema = z
  .object({
    method: MethodSchema,
    signature,
    deviceAt: isoInstant('heure de l’appareil'),
    halfDay: z.enum(['am', 'pm'], { error: 'demi-journée attendue : am ou pm' }).optional(),
  })
  .openapi('AttendanceSign');

const CorrectionSchema = z
  .object({
    correctsSeq: z.number({ error: 'numéro d’émargement attendu' }).int().min(1),
    reason: reason(),
    method: MethodSchema,
    signature,
    deviceAt: isoInstant('heure de l’appareil'),
  })
  .openapi('AttendanceCorrection');

const SignedSchema = z
  .object({
    seq: z.number().int(),
    halfDay: z.enum(['am', 'pm']),
    deviceAt: z.string(),
    receivedAt: z.string().openapi({ description: 'Heure de réception par le serveur' }),
    correctsSeq: z.number().int().nullable(),
  })
  .openapi('AttendanceSigned');

const VerifySchema = z
  .object({
    ok: z.boolean(),
    records: z.number().int(),
    brokenAtSeq: z.number().int().optional(),
    head: z.string().openapi({ description: 'Empreinte (SHA-256) du dernier enregistrement' }),
  })
  .openapi('AttendanceVerification');

const body = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});

const sign = createRoute({
  method: 'post',
  path: '/appointments/{id}/attendance',
  tags: ['Émargement'],
  summary:
    'Émarger une séance tenue (coach ou accompagné·e), y compris hors ligne avec l’heure de l’appareil',
  request: { params: IdParam, body: body(SignSchema) },
  responses: {
    201: { description: 'Émargement enregistré', content: { 'application/json': { schema: SignedSchema } } },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
    409: errorResponse('Déjà émargé pour cette demi-journée'),
    422: errorResponse('Séance non tenue ou signature manquante'),
  },
});

const correct = createRoute({
  method: 'post',
  path: '/appointments/{id}/attendance/corrections',
  tags: ['Émargement'],
  summary: 'Corriger un émargement (coach) : un nouvel enregistrement qui renvoie à l’ancien',
  request: { params: IdParam, body: body(CorrectionSchema) },
  responses: {
    201: { description: 'Correction enregistrée', content: { 'application/json': { schema: SignedSchema } } },
    400: errorResponse('Requête invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé au coach'),
    404: errorResponse('Introuvable'),
    422: errorResponse('Émargement à corriger introuvable ou signature manquante'),
  },
});

const verify = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/attendance/verify',
  tags: ['Émargement'],
  summary: 'Vérifier la chaîne des émargements de l’accompagnement (coach)',
  request: { params: IdParam },
  responses: {
    200: { description: 'Résultat', content: { 'application/json': { schema: VerifySchema } } },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé au coach'),
    404: errorResponse('Introuvable'),
  },
});

const pdf = createRoute({
  method: 'get',
  path: '/accompaniments/{id}/attendance.pdf',
  tags: ['Émargement'],
  summary: 'La feuille d’émargement en PDF (coach et accompagné·e)',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'Le PDF',
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
    },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

/** The half-day of a session, from its start in the coach's zone. */
export function halfDayOf(appointment: Pick<Appointment, 'start'>, timeZone: string): HalfDay {
  return toLocal(appointment.start, timeZone).minutes < 13 * 60 ? 'am' : 'pm';
}

/** The stored signature, or why it is refused (in French). */
export function signatureFor(
  method: AttendanceMethod,
  value: string | undefined,
): string | null | { error: string } {
  if (method === 'confirmed') return null;
  if (value === undefined || value.trim() === '')
    return { error: 'Signature manquante : tracez votre signature.' };
  if (value.length > SIGNATURE_MAX_CHARS)
    return { error: `Tracé de signature trop long (au plus ${SIGNATURE_MAX_CHARS} caractères).` };
  if (!signatureBox(value)) return { error: 'Tracé de signature illisible : recommencez la signature.' };
  return value;
}

const NOT_HELD = {
  error:
    'L’émargement est possible une fois la séance enregistrée comme tenue par la personne qui accompagne.',
};

/** The answer to a signature or a correction. */
const signedJson = (record: ChainedRecord) => ({
  seq: record.seq,
  halfDay: record.halfDay,
  deviceAt: new Date(record.deviceAt).toISOString(),
  receivedAt: new Date(record.receivedAt).toISOString(),
  correctsSeq: record.correctsSeq,
});

export function attendanceRoutes(services: Services) {
  const { storage, clock } = services;
  const app = newRouter();

  app.openapi(sign, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await appointmentAccess(storage, session.user, c.req.valid('param').id);
    if (!found) return c.json(APPOINTMENT_NOT_FOUND, 404);
    const { appointment, acc, role } = found;
    if (appointment.status !== 'held') return c.json(NOT_HELD, 422);
    const input = c.req.valid('json');
    const stored = signatureFor(input.method, input.signature);
    if (stored !== null && typeof stored === 'object') return c.json(stored, 422);
    const halfDay =
      input.halfDay ?? halfDayOf(appointment, (await storage.availabilities.get(acc.coach.id)).timeZone);
    const record = await storage.attendance.append({
      accompanimentId: acc.id,
      appointmentId: appointment.id,
      userId: session.user.id,
      role,
      halfDay,
      method: input.method,
      signature: stored,
      // The device's time is kept as given (a signature may be collected offline); the server stamps its own.
      deviceAt: Date.parse(input.deviceAt),
      receivedAt: clock.now(),
      correctsSeq: null,
      reason: null,
    });
    if (record === 'already-signed')
      return c.json({ error: 'Vous avez déjà émargé pour cette demi-journée de la séance.' }, 409);
    await audit(services, {
      actorId: session.user.id,
      action: 'attendance.signed',
      targetType: 'appointment',
      targetId: appointment.id,
      summary: `Émargement n° ${record.seq} (${record.halfDay === 'am' ? 'matin' : 'après-midi'}, ${input.method === 'drawn' ? 'signature tracée' : 'présence confirmée'}).`,
      accompanimentId: acc.id,
    });
    return c.json(signedJson(record), 201);
  });

  app.openapi(correct, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const found = await appointmentAccess(storage, session.user, c.req.valid('param').id);
    if (!found) return c.json(APPOINTMENT_NOT_FOUND, 404);
    if (found.role !== 'coach') return c.json(COACH_ONLY, 403);
    const { appointment, acc } = found;
    const input = c.req.valid('json');
    const original = await storage.attendance.find(acc.id, input.correctsSeq);
    if (!original || original.appointmentId !== appointment.id)
      return c.json({ error: `Émargement n° ${input.correctsSeq} introuvable pour ce rendez-vous.` }, 422);
    const stored = signatureFor(input.method, input.signature);
    if (stored !== null && typeof stored === 'object') return c.json(stored, 422);
    const record = await storage.attendance.append({
      accompanimentId: acc.id,
      appointmentId: appointment.id,
      userId: session.user.id,
      role: 'coach',
      halfDay: original.halfDay,
      method: input.method,
      signature: stored,
      deviceAt: Date.parse(input.deviceAt),
      receivedAt: clock.now(),
      correctsSeq: original.seq,
      reason: input.reason,
    });
    // Corrections are never refused as duplicates (only first signatures are).
    if (record === 'already-signed') throw new Error('correction refusée comme doublon');
    await audit(services, {
      actorId: session.user.id,
      action: 'attendance.signed',
      targetType: 'appointment',
      targetId: appointment.id,
      summary: `Émargement n° ${record.seq} : correction du n° ${original.seq}.`,
      accompanimentId: acc.id,
    });
    return c.json(signedJson(record), 201);
  });

  app.openapi(verify, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    if (member.role !== 'coach') return c.json(COACH_ONLY, 403);
    return c.json(verifyChain(await storage.attendance.listForAccompaniment(member.acc.id)), 200);
  });

  app.openapi(pdf, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const member = await membershipIn(storage, session.user, c.req.valid('param').id);
    if (!member) return c.json(ACC_NOT_FOUND, 404);
    const bytes = await renderAttendancePdf(await attendanceSheetData(storage, member.acc, clock.now()));
    await audit(services, {
      actorId: session.user.id,
      action: 'export.downloaded',
      targetType: 'accompaniment',
      targetId: member.acc.id,
      summary: 'Feuille d’émargement téléchargée.',
      accompanimentId: member.acc.id,
    });
    c.header('Content-Type', 'application/pdf');
    c.header('Content-Disposition', 'attachment; filename="feuille-emargement.pdf"');
    c.header('Content-Length', String(bytes.length));
    return c.body(new Uint8Array(bytes), 200);
  });

  return app;
}
