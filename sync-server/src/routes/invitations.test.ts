import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../auth/tokens.ts';
import { Agent, uniqueEmail } from '../test-support/http.ts';
import { startMailCatcher, textPart } from '../test-support/smtp.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

async function coachWithAccompaniment(server: TestServer) {
  const coach = new Agent(server.url);
  await coach.signUp(uniqueEmail('coach'), 'motdepasse-coach', 'Claire Dubois');
  const acc = await coach.post('/api/accompaniments', {
    title: 'Bilan — Léa',
    kind: 'bilan',
    hoursBudget: 20,
  });
  return { coach, acc: acc.body as { id: string; title: string } };
}

describe('invitations without SMTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('[AUTH9] invite → read → accept creates the learner, links it, opens a session, single use', async () => {
    const { coach, acc } = await coachWithAccompaniment(server);
    const email = uniqueEmail('Lea');
    const invite = await coach.post(`/api/accompaniments/${acc.id}/invitations`, { email });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ email: email.toLowerCase(), emailSent: false });
    expect(invite.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invite.body.url).toBe(`${server.url}/invitation/${invite.body.token}`);
    const ttl = new Date(invite.body.expiresAt).getTime() - Date.now();
    expect(Math.abs(ttl - 14 * 24 * 3600_000)).toBeLessThan(60_000);
    // Only the SHA-256 of the token is stored.
    const stored = (await server.storage.sql.all('SELECT token_hash FROM invitations')).map(
      (r) => r['token_hash'],
    );
    expect(stored).toContain(tokenHash(invite.body.token));
    expect(stored).not.toContain(invite.body.token);

    const anonymous = new Agent(server.url);
    const info = await anonymous.get(`/api/invitations/${invite.body.token}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      accompanimentTitle: 'Bilan — Léa',
      coachName: 'Claire Dubois',
      email: email.toLowerCase(),
    });

    const learner = new Agent(server.url);
    const accepted = await learner.post(`/api/invitations/${invite.body.token}/accept`, {
      name: 'Léa Martin',
      password: 'motdepasse-lea',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      email: email.toLowerCase(),
      name: 'Léa Martin',
      role: 'learner',
      accompanimentId: acc.id,
    });
    expect(learner.cookie).toBeTruthy();
    expect((await learner.get('/api/me')).body.role).toBe('learner');
    expect((await coach.get(`/api/accompaniments/${acc.id}`)).body.learner).toMatchObject({
      name: 'Léa Martin',
      email: email.toLowerCase(),
    });

    const again = await new Agent(server.url).post(`/api/invitations/${invite.body.token}/accept`, {
      name: 'Intrus',
      password: 'motdepasse-intrus',
    });
    expect(again.status).toBe(410);
    expect(again.body.error).toMatch(/déjà été utilisée/);
    expect((await anonymous.get(`/api/invitations/${invite.body.token}`)).status).toBe(410);
    // The learner can sign in with the chosen password.
    expect((await new Agent(server.url).signIn(email, 'motdepasse-lea')).status).toBe(200);
    // Now that the accompaniment has its learner, no new invitation.
    const more = await coach.post(`/api/accompaniments/${acc.id}/invitations`, { email: uniqueEmail('x') });
    expect(more.status).toBe(409);
  });

  it('[AUTH9] unknown tokens are 404, expired 410, superseded 410', async () => {
    const { coach, acc } = await coachWithAccompaniment(server);
    const anonymous = new Agent(server.url);
    expect((await anonymous.get('/api/invitations/inconnu')).status).toBe(404);
    expect((await anonymous.get(`/api/invitations/${'A'.repeat(43)}`)).status).toBe(404);

    const first = await coach.post(`/api/accompaniments/${acc.id}/invitations`, { email: uniqueEmail('a') });
    const second = await coach.post(`/api/accompaniments/${acc.id}/invitations`, { email: uniqueEmail('b') });
    const superseded = await anonymous.get(`/api/invitations/${first.body.token}`);
    expect(superseded.status).toBe(410);
    expect(superseded.body.error).toMatch(/remplacée/);

    await server.storage.sql.run(
      'UPDATE invitations SET expires_at = ? WHERE token_hash = ?',
      Date.now() - 1,
      tokenHash(second.body.token),
    );
    const expired = await anonymous.get(`/api/invitations/${second.body.token}`);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatch(/expiré/);
    const accept = await anonymous.post(`/api/invitations/${second.body.token}/accept`, {
      name: 'Trop tard',
      password: 'motdepasse-tard',
    });
    expect(accept.status).toBe(410);
  });

  it('[AUTH9] accepting with an e-mail that already has an account is 409 in French', async () => {
    const { coach, acc } = await coachWithAccompaniment(server);
    const existing = uniqueEmail('existant');
    await new Agent(server.url).signUp(existing);
    const invite = await coach.post(`/api/accompaniments/${acc.id}/invitations`, { email: existing });
    const r = await new Agent(server.url).post(`/api/invitations/${invite.body.token}/accept`, {
      name: 'Quelqu’un',
      password: 'motdepasse-q',
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/Un compte existe déjà/);
    // Still usable once the conflict is resolved elsewhere: the invitation was not consumed.
    expect((await new Agent(server.url).get(`/api/invitations/${invite.body.token}`)).status).toBe(200);
  });

  it('[AUTH9] two concurrent accepts: exactly one succeeds', async () => {
    const { coach, acc } = await coachWithAccompaniment(server);
    const invite = await coach.post(`/api/accompaniments/${acc.id}/invitations`, {
      email: uniqueEmail('race'),
    });
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        new Agent(server.url).post(`/api/invitations/${invite.body.token}/accept`, {
          name: `Course ${i}`,
          password: 'motdepasse-course',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 || r.status === 410)).toBe(
      true,
    );
  });

  it('[AUTH9] PUBLIC_URL, when set, is the base of the invitation link', async () => {
    const publicServer = await startTestServer({ publicUrl: 'https://compagnon.exemple.fr/' });
    try {
      const { coach, acc } = await coachWithAccompaniment(publicServer);
      const invite = await coach.post(`/api/accompaniments/${acc.id}/invitations`, {
        email: uniqueEmail('p'),
      });
      expect(invite.body.url).toBe(`https://compagnon.exemple.fr/invitation/${invite.body.token}`);
    } finally {
      await publicServer.dispose();
    }
  });
});

describe('invitations with SMTP', () => {
  const mails: { to: string[]; raw: string }[] = [];
  let smtpPort: number;

  let closeSmtp: () => Promise<void>;
  beforeAll(async () => {
    ({ port: smtpPort, close: closeSmtp } = await startMailCatcher(mails));
  });
  afterAll(() => closeSmtp());

  it('[AUTH9] sends a French invitation e-mail containing the link', async () => {
    const server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}` });
    try {
      const { coach, acc } = await coachWithAccompaniment(server);
      const email = uniqueEmail('courriel');
      const invite = await coach.post(`/api/accompaniments/${acc.id}/invitations`, { email });
      expect(invite.status).toBe(201);
      expect(invite.body.emailSent).toBe(true);
      const mail = mails.find((m) => m.to.includes(email.toLowerCase()));
      expect(mail).toBeDefined();
      const text = textPart(mail!.raw);
      expect(text).toContain('Claire Dubois vous invite');
      expect(text).toContain('« Bilan — Léa »');
      expect(text).toContain(invite.body.url);
      expect(text).toMatch(/valable jusqu'au \d{1,2} \S+ \d{4}/);
      expect(mail!.raw).toMatch(/^Subject: .*Compagnon/m);
    } finally {
      await server.dispose();
    }
  });

  it('[AUTH9] an unreachable SMTP server is not fatal: 201 with emailSent false, logged without the link', async () => {
    const server = await startTestServer({ smtpUrl: 'smtp://127.0.0.1:1' });
    try {
      const { coach, acc } = await coachWithAccompaniment(server);
      const invite = await coach.post(`/api/accompaniments/${acc.id}/invitations`, {
        email: uniqueEmail('perdu'),
      });
      expect(invite.status).toBe(201);
      expect(invite.body.emailSent).toBe(false);
      expect(
        server.logs.some(
          (l) =>
            l.includes('Envoi de l’invitation impossible') || l.includes("Envoi de l'invitation impossible"),
        ),
      ).toBe(true);
      expect(server.logs.join('\n')).not.toContain(invite.body.token);
    } finally {
      await server.dispose();
    }
  });
});
