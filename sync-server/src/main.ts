// Entry point: `node sync-server/src/main.ts` (Node ≥ 24.7 runs the TypeScript directly).
import path from 'node:path';
import { REPO_ROOT, demoBanner, startServer } from './app.ts';
import { parseIceServers, type IceServer } from './call/ice.ts';
import { consoleLogger } from './log/logger.ts';
import { FOLLOW_UP_MONTHS_MAX } from './surveys/job.ts';

function port(value: string | undefined): number {
  if (value === undefined || value === '') return 8787;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`✗ PORT invalide : ${value}`);
    process.exit(1);
  }
  return n;
}

function digestInterval(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 7 * 24 * 60) {
    console.error(`✗ DIGEST_INTERVAL_MINUTES invalide : ${value}`);
    process.exit(1);
  }
  return n;
}

/** A whole number from `min` to `max`, or undefined when unset; anything else stops the server. */
function boundedInt(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`✗ ${name} invalide : ${value} (nombre entier de ${min} à ${max} attendu)`);
    process.exit(1);
  }
  return n;
}

function iceServers(value: string | undefined): IceServer[] {
  try {
    return parseIceServers(value);
  } catch (error) {
    console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** A `scheme://…` address for `name`, or undefined when unset; anything else stops the server. */
function serviceUrl(name: string, value: string | undefined, schemes: readonly string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  let scheme: string;
  try {
    scheme = new URL(value).protocol.replace(/:$/, '');
  } catch {
    scheme = '';
  }
  if (!schemes.includes(scheme)) {
    console.error(`✗ ${name} invalide : adresse ${schemes.map((s) => `${s}://…`).join(' ou ')} attendue`);
    process.exit(1);
  }
  return value;
}

const env = process.env;
const server = await startServer({
  port: port(env['PORT']),
  host: env['HOST'] || '127.0.0.1',
  dataDir: path.resolve(env['DATA_DIR'] || './data'),
  databaseUrl: serviceUrl('DATABASE_URL', env['DATABASE_URL'], ['postgres', 'postgresql']),
  databaseSchema: env['DATABASE_SCHEMA'] || undefined,
  redisUrl: serviceUrl('REDIS_URL', env['REDIS_URL'], ['redis', 'rediss']),
  webDir: env['WEB_DIR'] ? path.resolve(env['WEB_DIR']) : path.join(REPO_ROOT, 'web', 'build'),
  smtpUrl: env['SMTP_URL'] || undefined,
  mailFrom: env['MAIL_FROM'] || undefined,
  publicUrl: env['PUBLIC_URL'] || undefined,
  demo: env['DEMO'] === '1',
  trustProxy: env['TRUST_PROXY'] === '1',
  synchronous: env['SQLITE_SYNCHRONOUS'] === 'FULL' ? 'FULL' : 'NORMAL',
  clockControl: env['COMPAGNON_CLOCK_CONTROL'] === '1',
  digestIntervalMinutes: digestInterval(env['DIGEST_INTERVAL_MINUTES']),
  iceServers: iceServers(env['ICE_SERVERS']),
  surveyFollowUpMonths: boundedInt(
    'SURVEY_FOLLOWUP_MONTHS',
    env['SURVEY_FOLLOWUP_MONTHS'],
    1,
    FOLLOW_UP_MONTHS_MAX,
  ),
  surveyIntervalMs:
    (boundedInt('SURVEY_JOB_INTERVAL_SECONDS', env['SURVEY_JOB_INTERVAL_SECONDS'], 1, 3600) ?? 60) * 1000,
  log: consoleLogger,
}).catch((error: unknown) => {
  console.error(`✗ Démarrage impossible : ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

if (server.demo) for (const line of demoBanner(server.demo)) console.log(line);
console.log(`Compagnon est prêt : ${server.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('Arrêt de Compagnon…');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
