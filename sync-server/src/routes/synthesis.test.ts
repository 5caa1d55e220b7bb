import { appendNoteParagraph, synthesisSection } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, otherAccompaniment, until, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
let otherLearner: Agent;

beforeAll(async () => {
  server = await startTestServer({ clockControl: true });
  f = await fixture(server.url);
  otherLearner = (await otherAccompaniment(server.url, f)).learner;
});
afterAll(() => server.dispose());

const base = () => `/api/accompaniments/${f.accompaniment.id}`;

/** The PDF as bytes (the agent reads bodies as text). */
async function fetchPdf(agent: Agent): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${agent.baseUrl}${base()}/synthesis.pdf`, {
    headers: agent.cookie ? { cookie: agent.cookieHeader } : {},
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** The PDF's Info /Title, decoded (pdfkit writes non-ASCII strings as UTF-16BE with a BOM). */
function pdfTitle(pdf: Buffer): string | null {
  const raw = pdf.toString('latin1');
  // `/Title (…)` inline, or `/Title <n> 0 R` pointing at `<n> 0 obj (…)`.
  const ref = /\/Title (\d+) 0 R/.exec(raw);
  const start = ref ? raw.indexOf('(', raw.indexOf(`\n${ref[1]} 0 obj`)) : raw.indexOf('/Title (') + 7;
  if (start < 7) return null;
  let i = start + 1;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
  while (i < raw.length && raw[i] !== ')') {
    if (raw[i] === '\\') {
      i++;
      bytes.push(escapes[raw[i]!] ?? raw.charCodeAt(i));
    } else bytes.push(raw.charCodeAt(i));
    i++;
  }
  const buf = Buffer.from(bytes);
  if (buf[0] === 0xfe && buf[1] === 0xff) return buf.subarray(2).swap16().toString('utf16le');
  return buf.toString('latin1');
}

describe('[SYN4] reading the synthesis', () => {
  it('gives the five sections to the coach and the learner; 404 to others, 401 anonymous', async () => {
    const coach = await f.coach.get(`${base()}/synthesis`);
    expect(coach.status).toBe(200);
    expect(coach.body.sections.map((s: { key: string }) => s.key)).toEqual([
      'circumstances',
      'skills',
      'motivations',
      'projects',
      'steps',
    ]);
    expect(coach.body.sections[0]).toEqual({
      key: 'circumstances',
      title: 'Circonstances du bilan',
      text: '',
    });
    expect(coach.body.validations).toEqual([]);
    expect((await f.learner.get(`${base()}/synthesis`)).status).toBe(200);
    expect((await f.otherCoach.get(`${base()}/synthesis`)).status).toBe(404);
    expect((await otherLearner.get(`${base()}/synthesis`)).status).toBe(404);
    expect((await f.anonymous.get(`${base()}/synthesis`)).status).toBe(401);
  });
});

describe('[SYN3] validation by the learner only, bound to the text', () => {
  it('refuses the coach (403), strangers (404) and anonymous (401)', async () => {
    expect((await f.coach.post(`${base()}/synthesis/validation`)).status).toBe(403);
    expect((await f.otherCoach.post(`${base()}/synthesis/validation`)).status).toBe(404);
    expect((await otherLearner.post(`${base()}/synthesis/validation`)).status).toBe(404);
    expect((await f.anonymous.post(`${base()}/synthesis/validation`)).status).toBe(401);
    expect((await f.coach.get(`${base()}/synthesis`)).body.validations).toEqual([]);
  });

  it('records server time, the learner and a hash; `current` flips when a section changes', async () => {
    const coach = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
    appendNoteParagraph(synthesisSection(coach.doc, 'skills'), 'Sens de l’écoute, rigueur');
    await until(
      () => f.learner.get(`${base()}/synthesis`),
      (r) => r.body.sections[1].text === 'Sens de l’écoute, rigueur',
    );
    const { now } = (await f.coach.post('/api/test/clock', { advanceMs: 3_600_000 })).body;
    const validated = await f.learner.post(`${base()}/synthesis/validation`);
    expect(validated.status).toBe(201);
    expect(validated.body.version).toBe(1);
    // Server time (moved an hour ahead), not the client's.
    const at = Date.parse(validated.body.validatedAt);
    expect(at - Date.parse(now)).toBeGreaterThanOrEqual(0);
    expect(at - Date.parse(now)).toBeLessThan(5_000);
    expect(at - Date.now()).toBeGreaterThan(3_500_000);

    const after = await f.coach.get(`${base()}/synthesis`);
    expect(after.body.validations).toHaveLength(1);
    const [v] = after.body.validations;
    expect(v).toMatchObject({
      validatedAt: validated.body.validatedAt,
      by: { id: f.ids.learner, name: 'Léa Test' },
      current: true,
    });
    expect(v.hash).toMatch(/^[0-9a-f]{64}$/);

    appendNoteParagraph(synthesisSection(coach.doc, 'projects'), 'Paysagiste');
    const changed = await until(
      () => f.coach.get(`${base()}/synthesis`),
      (r) => r.body.validations[0].current === false,
    );
    expect(changed.body.validations[0].hash).toBe(v.hash);

    // A second validation is appended; the first one stays as it was.
    expect((await f.learner.post(`${base()}/synthesis/validation`)).body.version).toBe(2);
    const twice = (await f.learner.get(`${base()}/synthesis`)).body.validations;
    expect(twice.map((x: { current: boolean }) => x.current)).toEqual([false, true]);
    expect(twice[0].hash).toBe(v.hash);
    await coach.close();
  });

  it('the table is append-only', async () => {
    await expect(server.storage.sql.exec('UPDATE synthesis_validations SET hash = hash')).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('[SYN5] the PDF', () => {
  it('is served to the coach and the learner; 403 to anyone else signed in; 401 anonymous', async () => {
    for (const agent of [f.coach, f.learner]) {
      const pdf = await fetchPdf(agent);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.bytes.length).toBeGreaterThan(1500);
      expect(pdf.bytes.length).toBeLessThan(2_000_000);
      expect(pdf.bytes.subarray(-6).toString('latin1')).toContain('%%EOF');
      expect(pdfTitle(pdf.bytes)).toBe('Document de synthèse — Bilan de compétences — Test');
    }
    for (const agent of [f.otherCoach, otherLearner]) {
      const pdf = await fetchPdf(agent);
      expect(pdf.status).toBe(403);
      expect(JSON.parse(pdf.bytes.toString('utf8')).error).toMatch(/réservé/);
    }
    expect((await fetchPdf(f.anonymous)).status).toBe(401);
  });

  it('[SYN2] is built from the stored document when no room is loaded', async () => {
    const restarted = await server.restart();
    server = restarted;
    const coach = new Agent(server.url);
    coach.cookie = f.coach.cookie;
    const synthesis = await coach.get(`${base()}/synthesis`);
    expect(synthesis.body.sections[3].text).toBe('Paysagiste');
    expect(synthesis.body.validations.map((x: { current: boolean }) => x.current)).toEqual([false, true]);
    const pdf = await fetchPdf(coach);
    expect(pdf.status).toBe(200);
  });
});
