import { appendNoteParagraph, synthesisSection } from '@compagnon/model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture, otherAccompaniment, until, type Agent, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { startMailCatcher, type CaughtMail } from '../test-support/smtp.ts';
import { SyncClient } from '../test-support/sync-client.ts';

const mails: CaughtMail[] = [];
let closeSmtp: () => Promise<void>;
let server: TestServer;
let f: Fixture;
let coachDoc: SyncClient;
let otherLearner: Agent;

const base = () => `/api/accompaniments/${f.accompaniment.id}/synthesis`;
const RECIPIENT = {
  recipientName: 'Marc Lefèvre',
  recipientEmail: 'marc.lefevre@exemple.fr',
  purpose: 'Financement de ma formation de paysagiste',
};

/** The synthesis text changes (through the coach's live connection) and the server sees it. */
async function write(text: string): Promise<void> {
  appendNoteParagraph(synthesisSection(coachDoc.doc, 'projects'), text);
  await until(
    () => f.learner.get(base()),
    (r) => (r.body.sections[3].text as string).includes(text),
  );
}

/** The PDF attached to a caught e-mail, decoded, with its declared file name. */
function pdfAttachment(mail: CaughtMail): { filename: string | null; bytes: Buffer } | null {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(mail.raw)?.[1];
  if (!boundary) return null;
  for (const part of mail.raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split).replace(/\r\n\s+/g, ' ');
    if (!/content-type:\s*application\/pdf/i.test(headers)) continue;
    expect(headers).toMatch(/content-transfer-encoding:\s*base64/i);
    return {
      filename: /filename="?([^";]+)"?/i.exec(headers)?.[1] ?? null,
      bytes: Buffer.from(part.slice(split + 4).replace(/\s+/g, ''), 'base64'),
    };
  }
  return null;
}

beforeAll(async () => {
  let port: number;
  ({ port, close: closeSmtp } = await startMailCatcher(mails));
  server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${port}`, clockControl: true });
  f = await fixture(server.url);
  coachDoc = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
  otherLearner = (await otherAccompaniment(server.url, f)).learner;
  await write('Paysagiste en Bretagne');
});
afterAll(async () => {
  await coachDoc.close();
  await server.dispose();
  await closeSmtp();
});
// Invitation e-mails of the fixture are not what these tests look at.
beforeEach(() => {
  mails.length = 0;
});

describe('[SYN6] the learner consents, before anyone else receives the synthesis', () => {
  it('needs a validated synthesis: 409 and nothing recorded before the learner validated it', async () => {
    const refused = await f.learner.post(`${base()}/consents`, RECIPIENT);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/validé/);
    expect((await f.learner.get(`${base()}/consents`)).body).toEqual([]);
  });

  it('is the learner’s only: coach 403, strangers 404, anonymous 401; bad fields 400 in French', async () => {
    expect((await f.learner.post(`${base()}/validation`)).status).toBe(201);
    const coach = await f.coach.post(`${base()}/consents`, RECIPIENT);
    expect(coach.status).toBe(403);
    expect(coach.body.error).toMatch(/Seule la personne accompagnée/);
    expect((await f.otherCoach.post(`${base()}/consents`, RECIPIENT)).status).toBe(404);
    expect((await otherLearner.post(`${base()}/consents`, RECIPIENT)).status).toBe(404);
    expect((await f.anonymous.post(`${base()}/consents`, RECIPIENT)).status).toBe(401);
    const badEmail = await f.learner.post(`${base()}/consents`, { ...RECIPIENT, recipientEmail: 'marc@' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error).toMatch(/adresse e-mail invalide/);
    const noPurpose = await f.learner.post(`${base()}/consents`, { ...RECIPIENT, purpose: '   ' });
    expect(noPurpose.status).toBe(400);
    expect(noPurpose.body.error).toMatch(/but de la transmission/);
    expect((await f.coach.get(`${base()}/consents`)).body).toEqual([]);
  });
});

describe('[SYN8] the coach sends the PDF only with a valid consent', () => {
  it('no consent → 403 and no e-mail; the learner cannot send it either', async () => {
    const none = await f.coach.post(`${base()}/send`, { consentId: 'inconnu' });
    expect(none.status).toBe(403);
    expect(none.body.error).toMatch(/accord de la personne accompagnée/);
    expect((await f.otherCoach.post(`${base()}/send`, { consentId: 'inconnu' })).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mails).toEqual([]);
  });

  it('learner consents → coach sends → one e-mail to that address with the PDF attached, recorded', async () => {
    const { now } = (await f.coach.post('/api/test/clock', { advanceMs: 60_000 })).body;
    const created = await f.learner.post(`${base()}/consents`, RECIPIENT);
    expect(created.status).toBe(201);
    const consent = created.body;
    expect(consent).toMatchObject({
      ...RECIPIENT,
      by: { id: f.ids.learner, name: 'Léa Test' },
      revokedAt: null,
      valid: true,
      sends: [],
    });
    // Server time, bound to the validated text.
    expect(Date.parse(consent.consentedAt) - Date.parse(now)).toBeGreaterThanOrEqual(0);
    const synthesis = await f.coach.get(base());
    expect(consent.hash).toBe(synthesis.body.validations.at(-1).hash);
    // The coach sees it too.
    expect((await f.coach.get(`${base()}/consents`)).body).toEqual([consent]);

    // The learner may not send it on the coach's behalf.
    expect((await f.learner.post(`${base()}/send`, { consentId: consent.id })).status).toBe(403);

    const sent = await f.coach.post(`${base()}/send`, { consentId: consent.id });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ to: RECIPIENT.recipientEmail, consentId: consent.id });
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual([RECIPIENT.recipientEmail]);
    const pdf = pdfAttachment(mail!);
    expect(pdf?.filename).toBe('document-de-synthese.pdf');
    expect(pdf!.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf!.bytes.length).toBeGreaterThan(1500);
    // Replies go to the coach.
    const coachEmail = (await server.storage.users.findById(f.ids.coach))!.email;
    expect(mail!.raw).toMatch(new RegExp(`^Reply-To: ${coachEmail.replace(/\./g, '\\.')}`, 'mi'));

    // [SYN9] Who, when, to whom.
    const after = (await f.learner.get(`${base()}/consents`)).body;
    expect(after[0].sends).toEqual([
      { sentAt: sent.body.sentAt, by: { id: f.ids.coach, name: 'Coach A' }, delivered: true },
    ]);
    expect(await server.storage.synthesisConsents.sends(f.accompaniment.id)).toMatchObject([
      {
        consentId: consent.id,
        recipientEmail: RECIPIENT.recipientEmail,
        hash: consent.hash,
        delivered: true,
      },
    ]);
  });

  it('[SYN7] a revoked consent → 403 and no e-mail; kept in the list with its revocation time', async () => {
    const consent = (await f.learner.post(`${base()}/consents`, { ...RECIPIENT, purpose: 'Candidature' }))
      .body;
    // Only the learner revokes.
    expect((await f.coach.delete(`${base()}/consents/${consent.id}`)).status).toBe(403);
    expect((await f.learner.delete(`${base()}/consents/inconnu`)).status).toBe(404);
    const revoked = await f.learner.delete(`${base()}/consents/${consent.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.valid).toBe(false);
    expect(revoked.body.revokedAt).not.toBeNull();

    const refused = await f.coach.post(`${base()}/send`, { consentId: consent.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/non retiré/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mails).toEqual([]);

    // Revoking again keeps the first revocation; the row is still there.
    await f.coach.post('/api/test/clock', { advanceMs: 60_000 });
    const again = await f.learner.delete(`${base()}/consents/${consent.id}`);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const listed = (await f.coach.get(`${base()}/consents`)).body;
    expect(listed.find((c: { id: string }) => c.id === consent.id)).toMatchObject({
      revokedAt: revoked.body.revokedAt,
      valid: false,
    });
  });

  it('a changed synthesis → earlier consents are no longer valid, even once validated again', async () => {
    const consent = (await f.learner.post(`${base()}/consents`, { ...RECIPIENT, purpose: 'Avant' })).body;
    expect(consent.valid).toBe(true);
    await write('Puis maraîchage');
    const stale = (await f.coach.get(`${base()}/consents`)).body.find(
      (c: { id: string }) => c.id === consent.id,
    );
    expect(stale.valid).toBe(false);
    expect((await f.coach.post(`${base()}/send`, { consentId: consent.id })).status).toBe(403);
    // Not validated yet: no new consent either.
    expect((await f.learner.post(`${base()}/consents`, RECIPIENT)).status).toBe(409);

    // Validated again: the old consent was about another text and stays invalid; a new one works.
    expect((await f.learner.post(`${base()}/validation`)).status).toBe(201);
    expect((await f.coach.post(`${base()}/send`, { consentId: consent.id })).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mails).toEqual([]);
    const fresh = (await f.learner.post(`${base()}/consents`, { ...RECIPIENT, purpose: 'Après' })).body;
    expect(fresh.valid).toBe(true);
    expect(fresh.hash).not.toBe(consent.hash);
    expect((await f.coach.post(`${base()}/send`, { consentId: fresh.id })).status).toBe(202);
    expect(mails.map((m) => m.to)).toEqual([[RECIPIENT.recipientEmail]]);
  });

  it('the tables are append-only: only a revocation may be written, sends never change', async () => {
    const [first] = await server.storage.synthesisConsents.list(f.accompaniment.id);
    await expect(
      server.storage.sql.exec(
        `UPDATE synthesis_consents SET recipient_email = 'autre@exemple.fr' WHERE id = '${first!.id}'`,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(server.storage.sql.exec('UPDATE synthesis_consents SET revoked_at = NULL')).rejects.toThrow(
      /append-only/,
    );
    await expect(server.storage.sql.exec('UPDATE synthesis_sends SET delivered = 0')).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('[SYN8] without SMTP', () => {
  it('answers 503 and records nothing', async () => {
    const plain = await startTestServer();
    try {
      const g = await fixture(plain.url);
      const doc = await SyncClient.connect(plain.url, g.accompaniment.sharedDoc, g.learner.cookieHeader);
      appendNoteParagraph(synthesisSection(doc.doc, 'skills'), 'Écoute');
      const path = `/api/accompaniments/${g.accompaniment.id}/synthesis`;
      await until(
        () => g.learner.get(path),
        (r) => r.body.sections[1].text === 'Écoute',
      );
      await doc.close();
      expect((await g.learner.post(`${path}/validation`)).status).toBe(201);
      const consent = (await g.learner.post(`${path}/consents`, RECIPIENT)).body;
      const res = await g.coach.post(`${path}/send`, { consentId: consent.id });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/pas configuré/);
      expect(await plain.storage.synthesisConsents.sends(g.accompaniment.id)).toEqual([]);
    } finally {
      await plain.dispose();
    }
  });
});
