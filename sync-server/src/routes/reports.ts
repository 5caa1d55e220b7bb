// Reports that build themselves (REPORT3–REPORT6): a coach's caseload with its alerts, the organisation's
// figures for its manager, the hours as CSV. Administrative facts only, read from SQL projections (never a
// document): names, dates, hours, statuses, counts.
import { ACCOMPANIMENT_KINDS, type Progress } from '@compagnon/model';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { hoursSummary } from '../scheduling/hours.ts';
import { isIsoDate, pad, toLocal } from '../scheduling/zoned.ts';
import { FUNDERS, type Funder } from '../storage/accompaniments.ts';
import type { AppointmentMode } from '../storage/appointments.ts';
import type { Membership } from '../storage/organisations.ts';
import type { CaseloadFact, CoachCounts, HoursLine, Period } from '../storage/reports.ts';
import type { User } from '../storage/users.ts';
import { audit } from './audit.ts';
import type { AppEnv, Services } from './context.ts';
import { errorResponse } from './schemas.ts';

const DAY = 86_400_000;
/** A bilan's synthesis is expected validated from this many days before the contract's end. */
export const SYNTHESIS_DUE_DAYS = 14;
/** Longest period a report covers (its months are listed one by one). */
const PERIOD_MAX_DAYS = 3660;

/** French names of the fields, for validation messages (INPUT1). */
const FIELD_LABELS: Record<string, string> = {
  from: 'début de période',
  to: 'fin de période',
  coachId: 'personne qui accompagne',
  kind: 'type',
  funder: 'financeur',
  startDate: 'date de début',
  endDate: 'date de fin',
  status: 'statut',
  endReason: 'motif de fin',
};

function invalid(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const details = issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = details
    .map((d) => (d.path ? `${FIELD_LABELS[d.path] ?? d.path} : ${d.message}` : d.message))
    .join(' ; ');
  return { error: `Requête invalide — ${summary}.`, details };
}

/** A resource router answering validation errors like every other (INPUT1), with these routes' labels. */
export function reportsRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(invalid(result.error.issues), 400);
    },
  });
}

// ——— Schemas ———

const day = (what: string) =>
  z
    .string()
    .refine(isIsoDate, { error: `${what} attendue au format AAAA-MM-JJ` })
    .optional()
    .openapi({ example: '2026-01-01' });

const PeriodQuery = z.object({
  from: day('date de début'),
  to: day('date de fin'),
});

const OrganisationQuery = PeriodQuery.extend({
  coachId: z.string().max(100).optional(),
  kind: z
    .enum(ACCOMPANIMENT_KINDS, { error: `type attendu parmi ${ACCOMPANIMENT_KINDS.join(', ')}` })
    .optional(),
  funder: z.enum(FUNDERS, { error: `financeur attendu parmi ${FUNDERS.join(', ')}` }).optional(),
});

const ALERT_KINDS = [
  'inactive',
  'hours',
  'no-next-appointment',
  'phase-overdue',
  'synthesis-not-validated',
] as const;
type AlertKind = (typeof ALERT_KINDS)[number];

const AlertSchema = z.object({ kind: z.enum(ALERT_KINDS), message: z.string() }).openapi('CaseloadAlert');

const CaseloadRowSchema = z
  .object({
    accompanimentId: z.string(),
    title: z.string(),
    kind: z.enum(ACCOMPANIMENT_KINDS),
    status: z.enum(['active', 'completed', 'abandoned', 'closed']),
    funder: z.enum(FUNDERS).nullable(),
    learnerName: z.string().nullable(),
    coachName: z.string(),
    progress: z.object({ done: z.number().int(), total: z.number().int(), percent: z.number().int() }),
    contractedMinutes: z.number().int(),
    providerMinutes: z.number().int(),
    remainingMinutes: z.number().int(),
    nextAppointmentAt: z.string().nullable(),
    lastLearnerActivityAt: z.string().nullable(),
    synthesisValidatedAt: z.string().nullable(),
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    alerts: z.array(AlertSchema),
  })
  .openapi('CaseloadRow');

const OrganisationReportSchema = z
  .object({
    organisation: z.object({ id: z.string(), name: z.string() }),
    period: z.object({ from: z.string(), to: z.string() }),
    coaches: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        active: z.number().int(),
        completed: z.number().int(),
        abandoned: z.number().int(),
        providerMinutes: z.number().int(),
      }),
    ),
    hoursByMonth: z.array(z.object({ month: z.string(), minutes: z.number().int() })),
    totals: z.object({
      accompaniments: z.number().int(),
      active: z.number().int(),
      completed: z.number().int(),
      abandoned: z.number().int(),
      completionRate: z
        .number()
        .openapi({ description: 'terminés / (terminés + abandonnés) sur la période' }),
      dropoutRate: z.number().openapi({ description: 'abandonnés / (terminés + abandonnés) sur la période' }),
      providerMinutes: z.number().int(),
    }),
  })
  .openapi('OrganisationReport');

const TAG = ['Rapports'];

const caseloadRoute = createRoute({
  method: 'get',
  path: '/caseload',
  tags: TAG,
  summary: 'Son portefeuille : une ligne par accompagnement suivi ou co-référé, avec ses alertes',
  responses: {
    200: {
      description: 'Portefeuille (en-tête Server-Timing)',
      content: { 'application/json': { schema: z.object({ rows: z.array(CaseloadRowSchema) }) } },
    },
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
  },
});

const organisationRoute = createRoute({
  method: 'get',
  path: '/organisation',
  tags: TAG,
  summary: 'Les chiffres de l’organisation sur une période (responsable)',
  description:
    'Période en jours UTC, `to` inclus ; par défaut du 1er janvier de l’année en cours à aujourd’hui. ' +
    'Taux entre 0 et 1 sur les accompagnements terminés ou abandonnés dans la période (0 sans aucun).',
  request: { query: OrganisationQuery },
  responses: {
    200: {
      description: 'Rapport (en-tête Server-Timing)',
      content: { 'application/json': { schema: OrganisationReportSchema } },
    },
    400: errorResponse('Période ou filtre invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé à la ou au responsable de l’organisation'),
  },
});

const hoursCsvRoute = createRoute({
  method: 'get',
  path: '/hours.csv',
  tags: TAG,
  summary: 'Les heures de la période en CSV (coach : son portefeuille ; responsable : l’organisation)',
  description:
    'UTF-8 avec BOM, séparateur « ; », fins de ligne CRLF, en-tête en français, virgule décimale : une ligne ' +
    'par séance réalisée (minutes comptées) ou prévue (durée prévue).',
  request: { query: PeriodQuery },
  responses: {
    200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
    400: errorResponse('Période invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Réservé aux personnes qui accompagnent'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const COACH_ONLY = { error: 'Les rapports sont réservés aux personnes qui accompagnent.' };
const MANAGER_ONLY = {
  error: 'Le rapport de l’organisation est réservé à la ou au responsable de l’organisation.',
};

// ——— Rules ———

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const dayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const frenchDate = (ms: number): string => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};
const days = (n: number): string => (n === 1 ? '1 jour' : `${n} jours`);

/**
 * The phase under way and when it was due (REPORT4): the contract's dates are shared equally by the
 * pathway's phases, in order — a bilan's three phases (préliminaire, investigation, conclusion) get a third
 * each. The phase under way is the first with steps left (progress projection, PATH2); it is overdue once
 * its share of the period is over. Without both dates, or with every step done, nothing is overdue.
 */
export function overduePhase(
  progress: Progress | null,
  startDate: string | null,
  endDate: string | null,
  now: number,
): { title: string; dueAt: number } | null {
  const phases = progress?.byPhase ?? [];
  if (!startDate || !endDate || phases.length === 0) return null;
  const index = phases.findIndex((p) => p.done < p.total);
  if (index < 0) return null;
  const start = dayMs(startDate);
  const end = dayMs(endDate) + DAY;
  const dueAt = start + Math.round(((index + 1) * (end - start)) / phases.length);
  return now >= dueAt ? { title: phases[index]!.title, dueAt } : null;
}

/**
 * The alerts of one row (REPORT4), for active accompaniments only — except the unvalidated synthesis of a
 * bilan, which a completed one keeps showing.
 */
export function caseloadAlerts(f: CaseloadFact, now: number): { kind: AlertKind; message: string }[] {
  const alerts: { kind: AlertKind; message: string }[] = [];
  const add = (kind: AlertKind, message: string) => alerts.push({ kind, message });
  const active = f.status === 'active';
  if (active && f.learnerName !== null) {
    // PATH5: from the last contribution, else from joining.
    const since = f.lastLearnerActivityAt ?? f.learnerJoinedAt ?? f.createdAt;
    const idle = Math.floor((now - since) / DAY);
    if (now - since >= f.inactivityDays * DAY)
      add(
        'inactive',
        `Aucune contribution de ${f.learnerName} depuis ${days(idle)} (seuil : ${days(f.inactivityDays)}).`,
      );
  }
  if (active) {
    const { warning } = hoursSummary({
      kind: f.kind,
      hoursBudget: f.hoursBudget,
      held: [{ countedMinutes: f.providerMinutes, phase: null }],
      personal: [],
    });
    if (warning) add('hours', warning);
    if (f.nextAppointmentAt === null) add('no-next-appointment', 'Aucun rendez-vous à venir.');
    const overdue = overduePhase(f.progress, f.startDate, f.endDate, now);
    if (overdue)
      add(
        'phase-overdue',
        `Phase « ${overdue.title} » en retard : elle devait s’achever le ${frenchDate(overdue.dueAt - 1)}.`,
      );
  }
  if (f.kind === 'bilan' && f.synthesisValidatedAt === null) {
    const p = f.progress;
    const stepsDone = p !== null && p.stepsTotal > 0 && p.stepsDone === p.stepsTotal;
    const endNear = f.endDate !== null && now >= dayMs(f.endDate) - SYNTHESIS_DUE_DAYS * DAY;
    if (f.status === 'completed' || (active && (stepsDone || endNear)))
      add(
        'synthesis-not-validated',
        'Le document de synthèse n’est pas encore validé par la personne accompagnée' +
          (f.endDate ? ` (fin prévue le ${frenchDate(dayMs(f.endDate))}).` : '.'),
      );
  }
  return alerts;
}

export function caseloadRow(f: CaseloadFact, now: number) {
  const contractedMinutes = Math.round(f.hoursBudget * 60);
  const done = f.progress?.stepsDone ?? 0;
  const total = f.progress?.stepsTotal ?? 0;
  return {
    accompanimentId: f.id,
    title: f.title,
    kind: f.kind,
    status: f.status,
    funder: f.funder,
    learnerName: f.learnerName,
    coachName: f.coachName,
    progress: { done, total, percent: total > 0 ? Math.round((done / total) * 100) : 0 },
    contractedMinutes,
    providerMinutes: f.providerMinutes,
    remainingMinutes: Math.max(0, contractedMinutes - f.providerMinutes),
    nextAppointmentAt: iso(f.nextAppointmentAt),
    lastLearnerActivityAt: iso(f.lastLearnerActivityAt),
    synthesisValidatedAt: iso(f.synthesisValidatedAt),
    startDate: f.startDate,
    endDate: f.endDate,
    alerts: caseloadAlerts(f, now),
  };
}

/** The period asked for, by default from 1 January of this year (UTC) to today; or why it is refused. */
export function readPeriod(query: { from?: string; to?: string }, now: number): Period | { error: string } {
  const today = new Date(now).toISOString().slice(0, 10);
  const from = query.from ?? `${today.slice(0, 4)}-01-01`;
  const to = query.to ?? (query.from && query.from > today ? query.from : today);
  if (from > to)
    return { error: 'Requête invalide — période : la date de début doit précéder la date de fin.' };
  const fromMs = dayMs(from);
  const toMs = dayMs(to) + DAY;
  if (toMs - fromMs > PERIOD_MAX_DAYS * DAY)
    return { error: 'Requête invalide — période : dix ans au plus.' };
  return { from, to, fromMs, toMs };
}

/** Every month of the period, `YYYY-MM`. */
function monthsOf(period: Period): string[] {
  const out: string[] = [];
  let [y, m] = period.from.split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (;;) {
    const month = `${y}-${pad(m)}`;
    out.push(month);
    if (month >= last) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

// ——— CSV (REPORT6) ———

export const CSV_HEADER = [
  'Accompagnement',
  'Bénéficiaire',
  'Accompagnant·e',
  'Financeur',
  'Date',
  'Durée (min)',
  'Mode',
  'Statut',
] as const;

const CSV_FUNDERS: Record<Funder, string> = {
  cpf: 'CPF',
  employer: 'Employeur',
  france_travail: 'France Travail',
  opco: 'OPCO',
  region: 'Région',
  personal: 'Financement personnel',
  other: 'Autre',
};
const CSV_MODES: Record<AppointmentMode, string> = {
  video: 'Visio',
  onsite: 'Présentiel',
  phone: 'Téléphone',
};
const CSV_STATUSES = { held: 'Réalisée', booked: 'Prévue' } as const;

/**
 * One CSV field: quoted when it holds the separator, a quote, a line break or edge spaces (quotes doubled).
 * A value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]|^\s|\s$/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Numbers the French way: a decimal comma. */
const csvNumber = (n: number): string => String(n).replace('.', ',');

function csvDate(ms: number, timeZone: string): string {
  const local = toLocal(ms, timeZone);
  const [y, m, d] = local.date.split('-');
  return `${d}/${m}/${y} ${pad(Math.floor(local.minutes / 60))}:${pad(local.minutes % 60)}`;
}

export function hoursCsv(lines: readonly HoursLine[]): string {
  const rows = [
    CSV_HEADER.join(';'),
    ...lines.map((l) =>
      [
        csvField(l.accompanimentTitle),
        csvField(l.learnerName ?? ''),
        csvField(l.coachName),
        csvField(l.funder && l.funder in CSV_FUNDERS ? CSV_FUNDERS[l.funder as Funder] : ''),
        csvDate(l.start, l.timeZone),
        csvNumber(l.minutes),
        CSV_MODES[l.mode] ?? l.mode,
        CSV_STATUSES[l.status],
      ].join(';'),
    ),
  ];
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

// ——— Routes ———

const serverTiming = (t0: number): string => `app;dur=${(performance.now() - t0).toFixed(2)}`;

/** The server time of a report, for the benchmark and for anyone watching (`Server-Timing: app;dur=…`). */
async function timed<T extends Response>(run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const response = await run();
  response.headers.set('Server-Timing', serverTiming(t0));
  return response;
}

export function reportRoutes(services: Services) {
  const { storage, clock } = services;
  const app = reportsRouter();

  type Caller =
    { status: 401 | 403; body: { error: string } } | { user: User; membership: Membership | null };
  async function caller(c: Context<AppEnv>): Promise<Caller> {
    const session = c.get('session');
    if (!session) return { status: 401, body: UNAUTHENTICATED };
    if (session.user.role !== 'coach') return { status: 403, body: COACH_ONLY };
    return { user: session.user, membership: await storage.organisations.membershipOf(session.user.id) };
  }

  app.openapi(caseloadRoute, async (c) => {
    const who = await caller(c);
    if ('status' in who) return c.json(who.body, who.status);
    return timed(async () => {
      const now = clock.now();
      const rows = (await storage.reports.caseload(who.user.id, now)).map((f) => caseloadRow(f, now));
      return c.json({ rows }, 200);
    });
  });

  app.openapi(organisationRoute, async (c) => {
    const who = await caller(c);
    if ('status' in who) return c.json(who.body, who.status);
    const { membership } = who;
    if (!membership || membership.role !== 'manager') return c.json(MANAGER_ONLY, 403);
    const query = c.req.valid('query');
    return timed(async () => {
      const period = readPeriod(query, clock.now());
      if ('error' in period) return c.json(period, 400);
      const organisationId = membership.organisation.id;
      const members = await storage.organisations.members(organisationId);
      if (query.coachId !== undefined && !members.some((m) => m.id === query.coachId))
        return c.json(
          {
            error: 'Requête invalide — personne qui accompagne : elle ne fait pas partie de l’organisation.',
          },
          400,
        );
      const filters = {
        coachId: query.coachId ?? null,
        kind: query.kind ?? null,
        funder: query.funder ?? null,
      };
      const counts = new Map(
        (await storage.reports.organisationCounts(organisationId, period, filters)).map((r) => [
          r.coachId,
          r,
        ]),
      );
      const minutesByCoach = new Map<string, number>();
      const minutesByMonth = new Map<string, number>();
      for (const r of await storage.reports.organisationMinutes(organisationId, period, filters)) {
        minutesByCoach.set(r.coachId, (minutesByCoach.get(r.coachId) ?? 0) + r.minutes);
        minutesByMonth.set(r.month, (minutesByMonth.get(r.month) ?? 0) + r.minutes);
      }
      const coaches = members
        .filter((m) => filters.coachId === null || m.id === filters.coachId)
        .map((m) => {
          const n = counts.get(m.id);
          return {
            id: m.id,
            name: m.name,
            active: n?.active ?? 0,
            completed: n?.completed ?? 0,
            abandoned: n?.abandoned ?? 0,
            providerMinutes: minutesByCoach.get(m.id) ?? 0,
          };
        });
      const sum = (pick: (n: CoachCounts) => number) =>
        [...counts.values()].reduce((total, n) => total + pick(n), 0);
      const completed = sum((n) => n.completed);
      const abandoned = sum((n) => n.abandoned);
      const ended = completed + abandoned;
      return c.json(
        {
          organisation: { id: organisationId, name: membership.organisation.name },
          period: { from: period.from, to: period.to },
          coaches,
          hoursByMonth: monthsOf(period).map((month) => ({ month, minutes: minutesByMonth.get(month) ?? 0 })),
          totals: {
            accompaniments: sum((n) => n.accompaniments),
            active: sum((n) => n.active),
            completed,
            abandoned,
            completionRate: ended > 0 ? completed / ended : 0,
            dropoutRate: ended > 0 ? abandoned / ended : 0,
            providerMinutes: [...minutesByCoach.values()].reduce((a, b) => a + b, 0),
          },
        },
        200,
      );
    });
  });

  app.openapi(hoursCsvRoute, async (c) => {
    const who = await caller(c);
    if ('status' in who) return c.json(who.body, who.status);
    const period = readPeriod(c.req.valid('query'), clock.now());
    if ('error' in period) return c.json(period, 400);
    // A manager exports the organisation; a coach, their caseload (own and co-referred accompaniments).
    const scope =
      who.membership?.role === 'manager'
        ? { organisationId: who.membership.organisation.id }
        : { coachId: who.user.id };
    const t0 = performance.now();
    const csv = hoursCsv(await storage.reports.hoursLines(scope, period));
    c.header('Server-Timing', serverTiming(t0));
    c.header('Content-Disposition', `attachment; filename="heures-${period.from}-${period.to}.csv"`);
    await audit(services, {
      actorId: who.user.id,
      action: 'export.downloaded',
      targetType: 'report',
      targetId: null,
      summary: `Export des heures (CSV) du ${period.from} au ${period.to}.`,
    });
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  return app;
}
