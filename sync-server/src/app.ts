import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { LoginThrottle, type ThrottleOptions } from './auth/throttle.ts';
import type { IceServer } from './call/ice.ts';
import { CALL_PATH_PREFIX, CallHub } from './call/signalling.ts';
import { AdjustableClock, systemClock, type Clock } from './clock/clock.ts';
import { DEMO_PASSWORD, seedDemo, type DemoResult } from './demo/seed.ts';
import { FileStore } from './files/store.ts';
import { consoleLogger, type Logger } from './log/logger.ts';
import { Digest } from './mail/digest.ts';
import { runRetention as retention } from './evidence/rgpd.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { Projector } from './projections/projector.ts';
import { createApi } from './routes/api.ts';
import type { AppEnv, Services } from './routes/context.ts';
import { errorHandler, securityHeaders } from './routes/router.ts';
import { Reminders } from './scheduling/reminders.ts';
import { staticRoutes } from './static/static.ts';
import { SurveyJob, type SurveyPass } from './surveys/job.ts';
import type { SynchronousMode } from './storage/db.ts';
import { openPostgresStorage, openStorage, type Storage } from './storage/storage.ts';
import { LocalBus, openRedisBus, type Bus } from './sync/bus.ts';
import { SyncHub, type SyncOptions } from './sync/hub.ts';

export interface ServerOptions {
  /** 0 picks a free port (tests). Default 8787. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder of the SQLite database (created if missing) and of uploaded files. */
  dataDir: string;
  /**
   * `postgres://…`: store in PostgreSQL instead of SQLite (`DATABASE_URL`), so that several instances can
   * share the data; `dataDir` then holds only the uploaded files (a folder every instance mounts).
   */
  databaseUrl?: string;
  /** PostgreSQL schema to use (tests: one per run); default the server's search_path. */
  databaseSchema?: string;
  /** `redis://…`: fan documents' updates, presence and revocations out to the other instances (`REDIS_URL`). */
  redisUrl?: string;
  /** Built web app (SvelteKit adapter-static output). Default `<repo>/web/build`. */
  webDir?: string;
  /** `smtp://user:pass@host:port` or `smtps://…`; without it invitations are not e-mailed. */
  smtpUrl?: string;
  /** Sender of the e-mails. */
  mailFrom?: string;
  /** Public address (`https://compagnon.exemple.fr`) used in invitation links and accepted as Origin. */
  publicUrl?: string;
  /** Behind a reverse proxy (sign-in throttling then keys on the proxy's `X-Forwarded-For` entry). */
  trustProxy?: boolean;
  /** Seed demo accounts and accompaniments when the data folder has no user yet. */
  demo?: boolean;
  log?: Logger;
  /** SQLite durability; see PERSIST3 in SPEC.md. */
  synchronous?: SynchronousMode;
  throttle?: ThrottleOptions;
  sync?: Omit<SyncOptions, 'storage' | 'log' | 'publicUrl' | 'watcher' | 'bus'>;
  /** The server's time (CLOCK1); default the system clock. */
  clock?: Clock;
  /**
   * Tests only (`COMPAGNON_CLOCK_CONTROL=1`): the clock can be moved forward with `POST /api/test/clock`
   * (or `server.clockControl.advance()`).
   */
  clockControl?: boolean;
  /** Delay before a pathway change is reflected in the stored progress (default 500 ms). */
  progressDelayMs?: number;
  /** The message digest window: at most one e-mail per recipient per this many minutes (default 60, MSG4). */
  digestIntervalMinutes?: number;
  /** STUN/TURN servers handed to both browsers of a video call (`ICE_SERVERS`, SCHED10); default none. */
  iceServers?: IceServer[];
  /** Months after the end of an accompaniment before the follow-up survey (`SURVEY_FOLLOWUP_MONTHS`, default 6). */
  surveyFollowUpMonths?: number;
  /** How often the survey job runs (`SURVEY_JOB_INTERVAL_SECONDS`, default 60 s; SURVEY2). */
  surveyIntervalMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The Hono app, for `app.request()` in tests. */
  app: Hono<AppEnv>;
  storage: Storage;
  sync: SyncHub;
  demo: DemoResult | null;
  clock: Clock;
  /** Set when started with `clockControl`. */
  clockControl: AdjustableClock | null;
  /**
   * Runs the message digest now (at `now`, default the server clock) and answers how many e-mails were
   * sent; 0 without `SMTP_URL` (MSG4). It also runs every minute.
   */
  runDigest(now?: number): Promise<number>;
  /**
   * Sends the appointment reminders due at `now` (default the server clock) and answers how many e-mails
   * were sent; 0 without `SMTP_URL` (SCHED11). It also runs every minute.
   */
  runReminders(now?: number): Promise<number>;
  /**
   * Runs the survey job now (at `now`, default the server clock): creates the surveys due, e-mails and reminds
   * (SURVEY2, SURVEY3). It also runs every `surveyIntervalMs`.
   */
  runSurveys(now?: number): Promise<SurveyPass>;
  /**
   * Runs the retention job now (at `now`, default the server clock): files kept after a closing past their
   * year are deleted, accounts past their erasure grace period anonymised (CLOSE4, RGPD3). It also runs
   * every minute.
   */
  runRetention(now?: number): Promise<{ purgedFiles: number; anonymised: number }>;
  calls: CallHub;
  close(): Promise<void>;
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the Hono app: /api, a 426 for plain HTTP on /sync, and the web app for everything else. */
export function createApp(services: Services, webDir: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(services.log));
  app.use('*', securityHeaders);
  app.route('/', createApi(services));
  app.all('/sync/*', (c) => c.json({ error: 'Cette adresse attend une connexion WebSocket.' }, 426));
  app.all('/call/*', (c) => c.json({ error: 'Cette adresse attend une connexion WebSocket.' }, 426));
  app.route('/', staticRoutes(webDir));
  app.all('*', (c) => c.json({ error: 'Méthode non prise en charge.' }, 405));
  return app;
}

function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Opens the storage, seeds the demo if asked, and listens. Resolves once the port is bound. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? consoleLogger;
  const host = options.host ?? '127.0.0.1';
  const publicUrl = options.publicUrl?.replace(/\/+$/, '') || undefined;
  const storage = options.databaseUrl
    ? await openPostgresStorage(options.databaseUrl, {
        ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
      })
    : openStorage(options.dataDir, { synchronous: options.synchronous ?? 'NORMAL' });
  let bus: Bus;
  try {
    bus = options.redisUrl ? await openRedisBus(options.redisUrl, log) : new LocalBus();
  } catch (error) {
    await storage.close();
    throw error;
  }
  const purgeSessions = (): void =>
    void storage.sessions
      .purgeExpired()
      .catch((error: unknown) => log.error('Purge des sessions impossible', error));
  purgeSessions();
  const purge = setInterval(purgeSessions, 3600_000);
  purge.unref();

  let demo: DemoResult | null = null;
  if (options.demo) demo = await seedDemo(storage);

  const clockControl = options.clockControl ? new AdjustableClock(options.clock ?? systemClock) : null;
  const clock: Clock = clockControl ?? options.clock ?? systemClock;
  if (clockControl)
    log.warn(
      'Horloge contrôlable activée (COMPAGNON_CLOCK_CONTROL=1) : POST /api/test/clock avance l’heure du serveur. ' +
        'Réservé aux tests, jamais en production.',
    );
  const projector = new Projector({
    storage,
    clock,
    log,
    progressDelayMs: options.progressDelayMs,
    notifyMessages: Boolean(options.smtpUrl),
  });
  const backfilled = await projector.backfill();
  if (backfilled > 0) log.info(`Projections calculées pour ${backfilled} accompagnement(s).`);
  const fileStore = new FileStore(path.join(options.dataDir, 'files'));

  const mailFrom =
    options.mailFrom ??
    `Compagnon <ne-pas-repondre@${publicUrl ? new URL(publicUrl).hostname : 'localhost'}>`;
  const mailer: Mailer | null = options.smtpUrl ? createMailer(options.smtpUrl, mailFrom, log) : null;
  const sync = new SyncHub({
    ...options.sync,
    storage,
    log,
    publicUrl,
    watcher: projector,
    bus,
    trustProxy: options.trustProxy,
  });
  const calls = new CallHub({
    storage,
    log,
    clock,
    publicUrl,
    iceServers: options.iceServers ?? [],
    pingIntervalMs: options.sync?.pingIntervalMs,
  });
  const services: Services = {
    storage,
    log,
    throttle: new LoginThrottle(options.throttle),
    mailer,
    sync,
    publicUrl,
    trustProxy: options.trustProxy ?? false,
    clock,
    clockControl,
    fileStore,
    calls,
  };
  const app = createApp(services, options.webDir ?? path.join(REPO_ROOT, 'web', 'build'));

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname: host }) as Server;
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    clearInterval(purge);
    await Promise.allSettled([sync.close(), calls.close()]);
    mailer?.close();
    await bus.close();
    await storage.close();
    throw error;
  });
  server.on('upgrade', (req, socket, head) =>
    (req.url ?? '').startsWith(CALL_PATH_PREFIX)
      ? calls.handleUpgrade(req, socket, head)
      : sync.handleUpgrade(req, socket, head),
  );
  const port = (server.address() as AddressInfo).port;
  const url = displayUrl(host, port);
  const digest = mailer
    ? new Digest({
        storage,
        mailer,
        clock,
        log,
        baseUrl: () => publicUrl ?? url,
        intervalMinutes: options.digestIntervalMinutes,
      })
    : null;
  const runDigest = async (now: number = clock.now()): Promise<number> => {
    if (!digest) return 0;
    try {
      return await digest.run(now);
    } catch (error) {
      log.error('Résumé des messages non envoyé', error);
      return 0;
    }
  };
  const digestTimer = setInterval(() => void runDigest(), 60_000);
  digestTimer.unref();
  const reminders = mailer
    ? new Reminders({ storage, mailer, clock, log, baseUrl: () => publicUrl ?? url })
    : null;
  const runReminders = async (now: number = clock.now()): Promise<number> => {
    if (!reminders) return 0;
    try {
      return await reminders.run(now);
    } catch (error) {
      log.error('Rappels de rendez-vous non envoyés', error);
      return 0;
    }
  };
  const reminderTimer = setInterval(() => void runReminders(), 60_000);
  reminderTimer.unref();
  const surveys = new SurveyJob({
    storage,
    mailer,
    clock,
    log,
    baseUrl: () => publicUrl ?? url,
    followUpMonths: options.surveyFollowUpMonths,
  });
  const runSurveys = async (now: number = clock.now()): Promise<SurveyPass> => {
    try {
      return await surveys.run(now);
    } catch (error) {
      log.error('Questionnaires de satisfaction non traités', error);
      return { created: 0, mailed: 0, reminded: 0 };
    }
  };
  const surveyTimer = setInterval(() => void runSurveys(), options.surveyIntervalMs ?? 60_000);
  surveyTimer.unref();
  // One pass at a time: the timer and a test's call must not anonymise or purge the same rows twice.
  let retentionPass: Promise<{ purgedFiles: number; anonymised: number }> | null = null;
  const runRetention = (now: number = clock.now()) => {
    retentionPass ??= (async () => {
      try {
        return await retention(services, now);
      } catch (error) {
        log.error('Tâche de conservation et d’effacement non faite', error);
        return { purgedFiles: 0, anonymised: 0 };
      } finally {
        retentionPass = null;
      }
    })();
    return retentionPass;
  };
  const retentionTimer = setInterval(() => void runRetention(), 60_000);
  retentionTimer.unref();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    app,
    storage,
    sync,
    demo,
    clock,
    clockControl,
    runDigest,
    runReminders,
    runSurveys,
    runRetention,
    calls,
    close: () => {
      closing ??= (async () => {
        clearInterval(purge);
        clearInterval(digestTimer);
        clearInterval(reminderTimer);
        clearInterval(surveyTimer);
        clearInterval(retentionTimer);
        await Promise.all([sync.close(), calls.close()]);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        mailer?.close();
        await bus.close();
        await storage.close();
      })();
      return closing;
    },
  };
}

/** The lines printed at startup for the demo accounts (demo data only: the password is public). */
export function demoBanner(demo: DemoResult): string[] {
  if (demo.accounts.length === 0) return [];
  const lines = [`Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`];
  for (const a of demo.accounts)
    lines.push(`  ${a.role === 'coach' ? 'coach        ' : 'accompagné·e '} ${a.email}  (${a.name})`);
  return lines;
}
