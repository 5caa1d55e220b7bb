// `pnpm bench:reports`: the reports' server time on a realistic organisation. Seeds 1,000 accompaniments
// across 20 coaches of one organisation (learners, pathways with progress, adaptations, learner activity,
// appointments held, cancelled and to come, statuses, funders, synthesis validations) straight through the
// storage layer in a temporary DATA_DIR, starts the real server (`sync-server/src/main.ts`) on it, and times
// `GET /api/reports/caseload` (each coach) and `GET /api/reports/organisation` (the manager) from their
// `Server-Timing` header. Target: p95 under 100 ms for both; the exit code is 1 when it is missed.
//
// Options: `--accompaniments=1000 --coaches=20 --requests=200` (or BENCH_ACCOMPANIMENTS, …), `--keep-data`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  docNames,
  encodeStateAsUpdate,
  initSharedDoc,
  newId,
  pathwayProgress,
  readPathway,
  setStepStatus,
  Doc,
  type AccompanimentId,
  type AccompanimentKind,
} from '../../packages/model/src/index.ts';
import { hashPassword } from '../../sync-server/src/auth/password.ts';
import { FUNDERS, withStatus, type AdminFacts } from '../../sync-server/src/storage/accompaniments.ts';
import { APPOINTMENT_MODES } from '../../sync-server/src/storage/appointments.ts';
import { openStorage, type Storage } from '../../sync-server/src/storage/storage.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const HOUR = 3_600_000;
const PASSWORD = 'banc-d-essai-rapports';
const TARGET_P95_MS = 100;

function option(name: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = flag?.slice(name.length + 3) ?? process.env[`BENCH_${name.toUpperCase()}`];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} : nombre entier positif attendu`);
  return n;
}

const ACCOMPANIMENTS = option('accompaniments', 1000);
const COACHES = option('coaches', 20);
const REQUESTS = Math.max(50, option('requests', 200));
/** `--keep-data`: leave the seeded data folder in place (to look at query plans). */
const KEEP_DATA = process.argv.includes('--keep-data');

/** A small deterministic generator, so that two runs seed the same organisation. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const KINDS: { kind: Exclude<AccompanimentKind, 'autre'>; hours: number }[] = [
  { kind: 'bilan', hours: 24 },
  { kind: 'bilan', hours: 20 },
  { kind: 'outplacement', hours: 40 },
  { kind: 'coaching', hours: 15 },
  { kind: 'insertion', hours: 30 },
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function seed(storage: Storage, now: number) {
  const r = rng(42);
  const hash = await hashPassword(PASSWORD);
  const manager = await storage.users.create({
    email: 'responsable@banc.exemple.fr',
    name: 'Responsable du banc',
    role: 'coach',
    passwordHash: hash,
  });
  const coaches = [manager];
  await storage.transaction(async () => {
    const organisation = await storage.organisations.createForCoach(manager, now - 800 * DAY);
    for (let c = 1; c < COACHES; c++) {
      const coach = await storage.users.create({
        email: `coach-${c}@banc.exemple.fr`,
        name: `Coach ${String(c).padStart(2, '0')}`,
        role: 'coach',
        passwordHash: hash,
      });
      await storage.organisations.addMember(organisation.id, coach.id, 'coach', now - 700 * DAY);
      coaches.push(coach);
    }
  });

  let held = 0;
  let booked = 0;
  await storage.transaction(async () => {
    for (let i = 0; i < ACCOMPANIMENTS; i++) {
      const coach = coaches[i % coaches.length]!;
      // Each accompaniment of a coach has its own weekly slot (day, 2-hour band): sessions never overlap.
      const slot = Math.floor(i / coaches.length);
      const { kind, hours } = r.pick(KINDS);
      const id = newId<'AccompanimentId'>() as AccompanimentId;
      const createdAt = now - r.int(5, 540) * DAY;
      const title = `${kind === 'bilan' ? 'Bilan de compétences' : 'Accompagnement'} n° ${i + 1}`;

      // The shared document as the server writes it, with part of the pathway done.
      const doc = new Doc();
      initSharedDoc(doc, { title, kind, hoursBudget: hours }, kind);
      const steps = readPathway(doc).flatMap((p) => p.steps);
      const age = Math.min(1, (now - createdAt) / (120 * DAY));
      const done = Math.round(steps.length * age * r.next());
      for (const step of steps.slice(0, done)) setStepStatus(doc, step.id, 'done');
      const progress = pathwayProgress(doc);
      await storage.accompaniments.create({
        id,
        title,
        kind,
        hoursBudget: hours,
        coachId: coach.id,
        progress,
        now: createdAt,
      });
      await storage.docs.append(docNames(id).shared, encodeStateAsUpdate(doc));
      doc.destroy();

      const learner = await storage.users.create({
        email: `personne-${i + 1}@banc.exemple.fr`,
        name: `Personne ${i + 1}`,
        role: 'learner',
        passwordHash: hash,
      });
      await storage.accompaniments.setLearner(id, learner.id, createdAt + DAY);
      if (r.next() < 0.9)
        await storage.accompaniments.recordLearnerActivity(
          id,
          now - r.int(0, 30) * DAY - r.int(0, 23) * HOUR,
        );

      const adaptations = r.int(0, 4);
      await storage.adaptations.record(
        Array.from({ length: adaptations }, (_, k) => {
          const at = createdAt + (k + 1) * 5 * DAY;
          const step = steps[k % steps.length]!;
          return {
            id: newId(),
            accompanimentId: id,
            at,
            receivedAt: at,
            byUserId: coach.id,
            declaredBy: null,
            kind: r.pick(['postponed', 'pulled-forward', 'added'] as const),
            stepId: step.id,
            stepTitle: step.title,
            reason: 'Ajusté au rythme de la personne',
          };
        }),
      );

      // Administrative facts: contract of 3 to 6 months; most of those past their end are completed.
      const startDate = day(createdAt);
      const endMs = createdAt + r.int(90, 180) * DAY;
      let facts: AdminFacts = {
        funder: r.next() < 0.9 ? r.pick(FUNDERS) : null,
        startDate,
        endDate: day(endMs),
        status: 'active',
        outcome: null,
        endedAt: null,
        endReason: null,
      };
      if (endMs < now) {
        const roll = r.next();
        if (roll < 0.7) facts = withStatus(facts, 'completed', endMs);
        else if (roll < 0.85) facts = withStatus(facts, 'abandoned', endMs - 20 * DAY, 'Reprise d’emploi');
      }
      await storage.accompaniments.setAdmin(id, facts);

      // Weekly sessions at the accompaniment's own slot: held while it ran, one or two to come if active.
      const monday = createdAt - (createdAt % DAY) - ((new Date(createdAt).getUTCDay() + 6) % 7) * DAY;
      const firstSession = monday + WEEK + (slot % 7) * DAY + (6 + 2 * Math.floor(slot / 7)) * HOUR;
      const last = facts.endedAt ?? now + 3 * WEEK;
      let providerMinutes = 0;
      for (let t = firstSession; t < last && providerMinutes < hours * 60 - 120; t += WEEK) {
        const minutes = r.pick([60, 90, 120]);
        const appointment = await storage.appointments.book(
          {
            id: newId(),
            accompanimentId: id,
            coachId: coach.id,
            start: t,
            durationMinutes: minutes,
            mode: r.pick(APPOINTMENT_MODES),
            phase: null,
            createdBy: coach.id,
          },
          t - 3 * DAY,
        );
        if (appointment === 'taken') continue;
        if (t > now) {
          booked++;
          continue;
        }
        if (r.next() < 0.08) {
          await storage.appointments.cancel(appointment.id, coach.id, 'Empêchement', t - DAY);
          continue;
        }
        await storage.appointments.markHeld(appointment, {
          minutes,
          phase: progress.byPhase[0]?.title ?? null,
          byUserId: coach.id,
          reason: null,
          now: t + minutes * 60_000,
        });
        providerMinutes += minutes;
        held++;
      }
      if (kind === 'bilan' && facts.status === 'completed')
        await storage.synthesisValidations.add(id, learner.id, (facts.endedAt ?? now) - DAY, 'e'.repeat(64));
    }
  });
  return { coaches, held, booked };
}

/** Starts `node sync-server/src/main.ts` on the data folder; resolves with its URL. */
function startServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'sync-server', 'src', 'main.ts')], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIR: path.join(dataDir, 'no-web'),
      DEMO: '',
      SMTP_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const early = (code: number | null) => reject(new Error(`le serveur s’est arrêté (code ${code})`));
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /Compagnon est prêt : (\S+)/.exec(out);
      if (!match) return;
      child.off('exit', early);
      // Later output (the stop message) is only drained.
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        url: match[1]!,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.once('exit', early);
    child.stdout.on('data', onData);
  });
}

async function signIn(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 200 || !cookie) throw new Error(`connexion de ${email} refusée : ${res.status}`);
  return cookie;
}

interface Sample {
  server: number;
  client: number;
}

async function timedGet(url: string, cookie: string): Promise<{ sample: Sample; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  const body: unknown = await res.json();
  const client = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url} : ${res.status} ${JSON.stringify(body)}`);
  const dur = /app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  if (!dur) throw new Error(`${url} : pas d’en-tête Server-Timing`);
  return { sample: { server: Number(dur[1]), client }, body };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function summary(name: string, samples: Sample[]) {
  const server = samples.map((s) => s.server).sort((a, b) => a - b);
  const client = samples.map((s) => s.client).sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(
    `${name.padEnd(34)} ${String(samples.length).padStart(5)}  serveur p50 ${f(quantile(server, 0.5))}  ` +
      `p95 ${f(quantile(server, 0.95))}  max ${f(server.at(-1)!)}  |  client p50 ${f(quantile(client, 0.5))}  ` +
      `p95 ${f(quantile(client, 0.95))} ms`,
  );
  return quantile(server, 0.95);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'compagnon-bench-reports-'));
try {
  const now = Date.now();
  const t0 = performance.now();
  const storage = openStorage(dataDir);
  const seeded = await seed(storage, now);
  await storage.close();
  console.log(
    `Données : ${ACCOMPANIMENTS} accompagnements, ${COACHES} coachs, ${seeded.held} séances tenues, ` +
      `${seeded.booked} à venir — semées en ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const server = await startServer(dataDir);
  try {
    const cookies: { email: string; cookie: string }[] = [];
    for (const coach of seeded.coaches)
      cookies.push({ email: coach.email, cookie: await signIn(server.url, coach.email) });
    const managerCookie = cookies[0]!.cookie;

    const caseload = `${server.url}/api/reports/caseload`;
    const year = new Date(now).getUTCFullYear();
    const organisationQueries = [
      '',
      `?from=${year - 1}-01-01&to=${year - 1}-12-31`,
      `?from=${day(now - 365 * DAY)}&to=${day(now)}`,
      '?funder=cpf',
      '?kind=bilan',
      `?coachId=${seeded.coaches[1]!.id}`,
    ];
    // Warm-up: prepared statements, page cache, JIT.
    for (let i = 0; i < 20; i++) {
      await timedGet(caseload, cookies[i % cookies.length]!.cookie);
      await timedGet(`${server.url}/api/reports/organisation`, managerCookie);
    }

    const caseloadSamples: Sample[] = [];
    let rows = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const { sample, body } = await timedGet(caseload, cookies[i % cookies.length]!.cookie);
      caseloadSamples.push(sample);
      rows += (body as { rows: unknown[] }).rows.length;
    }
    const organisationSamples: Sample[] = [];
    let counted = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const query = organisationQueries[i % organisationQueries.length]!;
      const { sample, body } = await timedGet(
        `${server.url}/api/reports/organisation${query}`,
        managerCookie,
      );
      organisationSamples.push(sample);
      if (query === '') counted = (body as { totals: { accompaniments: number } }).totals.accompaniments;
    }

    console.log(`Node ${process.version}, ${REQUESTS} requêtes par rapport, temps en ms (Server-Timing) :`);
    const p95Caseload = summary(
      `GET /api/reports/caseload (${Math.round(rows / REQUESTS)} lignes)`,
      caseloadSamples,
    );
    const p95Organisation = summary(`GET /api/reports/organisation`, organisationSamples);
    console.log(`(rapport de l’organisation sur l’année en cours : ${counted} accompagnements)`);
    const ok = p95Caseload < TARGET_P95_MS && p95Organisation < TARGET_P95_MS;
    console.log(
      ok ? `✓ p95 sous ${TARGET_P95_MS} ms pour les deux` : `✗ p95 au-dessus de ${TARGET_P95_MS} ms`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await server.stop();
  }
} finally {
  if (KEEP_DATA) console.log(`Données gardées dans ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
