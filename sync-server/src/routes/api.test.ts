import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

let server: TestServer;
let f: Fixture;

beforeAll(async () => {
  server = await startTestServer();
  f = await fixture(server.url);
});
afterAll(() => server.dispose());

describe('health, session and account', () => {
  it('GET /api/health answers {ok:true}', async () => {
    const r = await server.app.request('/api/health');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('[AUTH2] sign-up creates a coach and sets an httpOnly SameSite=Lax session cookie', async () => {
    const email = uniqueEmail('Nouveau');
    const res = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: email.toUpperCase(), password: 'assez-long', name: '  Nouvelle Coach ' }),
    });
    expect(res.status).toBe(201);
    const me = await res.json();
    expect(me).toMatchObject({ email: email.toLowerCase(), name: 'Nouvelle Coach', role: 'coach' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^compagnon_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=2592000/);
    expect(cookie).not.toMatch(/Secure/);
    const token = /compagnon_session=([^;]+)/.exec(cookie)![1]!;
    // Only the SHA-256 of the token is stored.
    const rows = await server.storage.sql.all('SELECT token_hash FROM sessions');
    expect(rows.some((r) => r['token_hash'] === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(String(r['token_hash'])))).toBe(true);
  });

  it('[AUTH2] sign-up with a taken e-mail is 409 with a message', async () => {
    const email = uniqueEmail('double');
    await new Agent(server.url).signUp(email);
    const r = await new Agent(server.url).post('/api/auth/sign-up/email', {
      email,
      password: 'autre-mot-de-passe',
      name: 'X',
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/existe déjà/);
  });

  it('[AUTH2] sign-in, /api/me, sign-out then /api/me is 401', async () => {
    const email = uniqueEmail('cycle');
    await new Agent(server.url).signUp(email, 'mot-de-passe-1', 'Cycle');
    const a = new Agent(server.url);
    expect((await a.get('/api/me')).status).toBe(401);
    const wrong = await a.signIn(email, 'mot-de-passe-2');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'Adresse e-mail ou mot de passe incorrect.' });
    const unknown = await a.signIn(uniqueEmail('inconnu'), 'mot-de-passe-1');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const ok = await a.signIn(email.toUpperCase(), 'mot-de-passe-1');
    expect(ok.status).toBe(200);
    const me = await a.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: ok.body.id,
      email,
      name: 'Cycle',
      role: 'coach',
      settings: { inactivityDays: 10 },
    });
    const token = a.cookie;
    const out = await a.post('/api/auth/sign-out');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/compagnon_session=;.*Max-Age=0/);
    a.cookie = token; // a stolen copy of the cookie is dead too
    expect((await a.get('/api/me')).status).toBe(401);
  });
});

describe('accompaniments', () => {
  it('creates an accompaniment with its two doc names and initial shared state', async () => {
    const r = await f.coach.post('/api/accompaniments', {
      title: '  Coaching — Sam ',
      kind: 'coaching',
      hoursBudget: 12.5,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      title: 'Coaching — Sam',
      kind: 'coaching',
      hoursBudget: 12.5,
      sharedDoc: `${r.body.id}.shared`,
      privateDoc: `${r.body.id}.private`,
      role: 'coach',
      coach: { name: 'Coach A' },
      learner: null,
    });
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(r.body.createdAt).toISOString()).toBe(r.body.createdAt);
    // [PERSIST4] the initial state of the shared doc is in the log already.
    expect(await server.storage.docs.count(r.body.sharedDoc)).toBe(1);
    const list = await f.coach.get('/api/accompaniments');
    expect(list.body.map((a: { id: string }) => a.id)).toContain(r.body.id);
  });

  it('[INPUT5] a bilan over 24 h is refused with 422 and a French message', async () => {
    const r = await f.coach.post('/api/accompaniments', { title: 'Bilan', kind: 'bilan', hoursBudget: 24.5 });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatch(/24 heures/);
    const ok = await f.coach.post('/api/accompaniments', { title: 'Bilan', kind: 'bilan', hoursBudget: 24 });
    expect(ok.status).toBe(201);
  });

  it('[AUTH3] a learner cannot create an accompaniment', async () => {
    const r = await f.learner.post('/api/accompaniments', { title: 'X', kind: 'autre', hoursBudget: 1 });
    expect(r.status).toBe(403);
  });
});

describe('[INPUT1] validation errors for every route', () => {
  const routes: { label: string; path: () => string; valid: Record<string, unknown>; agent: () => Agent }[] =
    [
      {
        label: 'sign-up',
        path: () => '/api/auth/sign-up/email',
        valid: { email: 'v@exemple.fr', password: 'assez-long', name: 'V' },
        agent: () => new Agent(server.url),
      },
      {
        label: 'sign-in',
        path: () => '/api/auth/sign-in/email',
        valid: { email: 'v@exemple.fr', password: 'x' },
        agent: () => new Agent(server.url),
      },
      {
        label: 'create accompaniment',
        path: () => '/api/accompaniments',
        valid: { title: 'T', kind: 'autre', hoursBudget: 3 },
        agent: () => f.coach,
      },
      {
        label: 'invite',
        path: () => `/api/accompaniments/${f.accompaniment.id}/invitations`,
        valid: { email: 'v@exemple.fr' },
        agent: () => f.coach,
      },
      {
        label: 'accept invitation',
        path: () => '/api/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/accept',
        valid: { name: 'N', password: 'assez-long' },
        agent: () => new Agent(server.url),
      },
    ];

  for (const route of routes) {
    it(`[INPUT2] ${route.label} — invalid JSON, missing fields, wrong types, non-objects`, async () => {
      const agent = route.agent();
      const badJson = await agent.post(route.path(), '{"email": ');
      expect(badJson.status).toBe(400);
      expect(badJson.body.error).toBe('Le corps de la requête n’est pas un JSON valide.');

      const empty = await agent.post(route.path(), {});
      expect(empty.status).toBe(400);
      expect(empty.body.error).toMatch(/^Requête invalide — /);
      expect(empty.body.details.length).toBe(Object.keys(route.valid).length);
      expect(empty.body.details[0].message).toBe('champ obligatoire');

      const wrongTypes = Object.fromEntries(
        Object.keys(route.valid).map((k) => [k, k === 'hoursBudget' ? 'dix' : 42]),
      );
      const typed = await agent.post(route.path(), wrongTypes);
      expect(typed.status).toBe(400);
      expect(typed.body.details.map((d: { path: string }) => d.path).sort()).toEqual(
        Object.keys(route.valid).sort(),
      );

      for (const notAnObject of [[], 'texte', null, 3]) {
        const r = await agent.post(route.path(), JSON.stringify(notAnObject));
        expect(r.status).toBe(400);
      }
    });

    it(`[INPUT3] ${route.label} — a body over 64 KiB is 413`, async () => {
      const big = { ...route.valid, name: 'x'.repeat(70 * 1024) };
      const r = await route.agent().post(route.path(), big);
      expect(r.status).toBe(413);
      expect(r.body.error).toMatch(/64 Kio/);
    });
  }

  it('[INPUT1] field messages are French and name the field', async () => {
    const r = await new Agent(server.url).post('/api/auth/sign-up/email', {
      email: 'pas-une-adresse',
      password: 'court',
      name: '',
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('adresse e-mail : adresse e-mail invalide');
    expect(r.body.error).toContain('mot de passe : au moins 8 caractères');
    expect(r.body.error).toContain('nom : le nom ne peut pas être vide');
    const kind = await f.coach.post('/api/accompaniments', { title: 'T', kind: 'stage', hoursBudget: 3000 });
    expect(kind.body.error).toContain('type : type inconnu');
    expect(kind.body.error).toContain('heures prévues : au plus 2000 heures');
  });
});

describe('[AUTH7] CSRF', () => {
  it('a mutation without a JSON content type is 415', async () => {
    const r = await f.coach.request('POST', '/api/accompaniments', 'title=x&kind=autre&hoursBudget=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(415);
    const plain = await f.coach.request('POST', '/api/auth/sign-out', '{}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect((await f.coach.get('/api/me')).status).toBe(200);
  });

  it('a mutation from another origin is 403; same origin passes', async () => {
    const body = { title: 'T', kind: 'autre', hoursBudget: 1 };
    const evil = await f.coach.post('/api/accompaniments', body, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const nul = await f.coach.post('/api/accompaniments', body, { origin: 'null' });
    expect(nul.status).toBe(403);
    const crossSite = await f.coach.post('/api/accompaniments', body, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const same = await f.coach.post('/api/accompaniments', body, { origin: server.url });
    expect(same.status).toBe(201);
  });
});

describe('[INPUT4] unknown routes and [INPUT6] OpenAPI', () => {
  it('unknown /api paths are 404 JSON; /sync over HTTP is 426', async () => {
    const r = await f.coach.get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'Ressource inconnue.' });
    expect((await f.coach.request('DELETE', '/api/me')).status).toBe(404);
    expect((await f.coach.get('/sync/whatever')).status).toBe(426);
  });

  it('serves an OpenAPI 3.1 document generated from the validating schemas', async () => {
    const r = await new Agent(server.url).get('/api/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/api/health',
      '/api/auth/sign-up/email',
      '/api/auth/sign-in/email',
      '/api/auth/sign-out',
      '/api/me',
      '/api/accompaniments',
      '/api/accompaniments/{id}',
      '/api/accompaniments/{id}/invitations',
      '/api/invitations/{token}',
      '/api/invitations/{token}/accept',
      '/api/accompaniments/{id}/timeline',
      '/api/accompaniments/{id}/adaptations',
      '/api/accompaniments/{id}/steps/{stepId}/status',
      '/api/settings',
      '/api/library',
      '/api/library/{id}',
      '/api/organisation',
      '/api/organisation/invitations',
      '/api/organisation/invitations/{token}',
      '/api/organisation/invitations/{token}/accept',
      '/api/files',
      '/api/files/{id}',
      '/sync/{docName}',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    // The test-only clock route exists only with COMPAGNON_CLOCK_CONTROL=1 (CLOCK1).
    expect(Object.keys(doc.paths)).not.toContain('/api/test/clock');
    expect(doc.components.schemas.CreateAccompaniment.properties.template.enum).toEqual([
      'bilan',
      'outplacement',
      'coaching',
      'insertion',
      'blank',
    ]);
    expect(Object.keys(doc.components.schemas.Accompaniment.properties)).toEqual(
      expect.arrayContaining([
        'progress',
        'adaptations',
        'lastLearnerActivityAt',
        'inactive',
        'inactivityDays',
      ]),
    );
    expect(doc.paths['/api/files'].post.requestBody.content['multipart/form-data'].schema.required).toEqual([
      'file',
    ]);
    expect(doc.components.schemas.CreateAccompaniment.properties.kind.enum).toEqual([
      'bilan',
      'outplacement',
      'coaching',
      'insertion',
      'autre',
    ]);
    expect(doc.components.schemas.SignUp.properties.password.minLength).toBe(8);
  });
});

describe('[AUTH10] logs', () => {
  it('never contain a password, a session token or an invitation token', async () => {
    const a = new Agent(server.url);
    const email = uniqueEmail('logs');
    await a.signUp(email, 'mot-de-passe-secret-123');
    const created = await a.post('/api/accompaniments', { title: 'L', kind: 'autre', hoursBudget: 1 });
    const invite = await a.post(`/api/accompaniments/${created.body.id}/invitations`, {
      email: uniqueEmail('l'),
    });
    await new Agent(server.url).get(`/api/invitations/${invite.body.token}`);
    await new Agent(server.url).signIn(email, 'mot-de-passe-faux-456');
    const all = server.logs.join('\n');
    for (const secret of ['mot-de-passe-secret-123', 'mot-de-passe-faux-456', a.cookie!, invite.body.token])
      expect(all).not.toContain(secret);
  });
});
