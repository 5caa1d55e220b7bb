import { listMessages, notesText, sharedNotes } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityData, renderActivityPdf } from './activity.ts';
import { renderCertificatePdf } from './certificate.ts';
import { readExercises, renderExercisesPdf } from './exercises-pdf.ts';
import { commonFacts } from './facts.ts';
import { evidencePackData, renderEvidencePackPdf } from './pack.ts';
import {
  EXERCISE_TITLE,
  MARKERS,
  STEP_TITLE,
  fillDocuments,
  leakedMarker,
} from '../test-support/evidence.ts';
import { Agent, fixture, uniqueEmail, until, type Fixture } from '../test-support/http.ts';
import { shownText } from '../test-support/pdf-text.ts';
import { bookOrThrow, clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

const PLAIN = { fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold' }, compress: false } as const;

let server: TestServer;
let f: Fixture;
/** A coach invited into coach A's organisation (coach A manages it), with an accompaniment of their own. */
let colleague: Agent;
let colleagueAcc: string;

const advanceTo = (iso: string) =>
  server.clockControl!.advance(Math.max(0, Date.parse(iso) - server.clock.now()));
const acc = async () => (await server.storage.accompaniments.find(f.accompaniment.id))!;

beforeAll(async () => {
  server = await startTestServer({ clock: clockFrom('2026-10-19T06:00:00Z'), clockControl: true });
  f = await fixture(server.url);
  await openEveryDay(f.coach);
  const first = await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-19', '10:00'));
  const second = await bookOrThrow(f.coach, f.accompaniment.id, paris('2026-10-20', '14:00'), {
    durationMinutes: 90,
    mode: 'onsite',
  });
  const third = await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-22', '09:00'));
  expect(
    (
      await f.learner.post(`/api/appointments/${third.id}/cancel`, {
        reason: 'Empêchement de dernière minute',
      })
    ).status,
  ).toBe(200);
  advanceTo(paris('2026-10-19', '11:05'));
  expect((await f.coach.post(`/api/appointments/${first.id}/held`, {})).status).toBe(201);
  expect(
    (
      await f.learner.post(`/api/appointments/${first.id}/attendance`, {
        method: 'confirmed',
        deviceAt: '2026-10-19T09:02:00Z',
      })
    ).status,
  ).toBe(201);
  advanceTo(paris('2026-10-20', '15:40'));
  expect((await f.coach.post(`/api/appointments/${second.id}/held`, {})).status).toBe(201);

  const learner = { id: f.ids.learner, name: 'Léa Test' };
  await fillDocuments(server, f.accompaniment, { coach: { id: f.ids.coach, name: 'Coach A' }, learner });
  expect(
    (await f.learner.post(`/api/accompaniments/${f.accompaniment.id}/synthesis/validation`)).status,
  ).toBe(201);
  // The progress projection follows the pathway within 500 ms (PATH2).
  await until(
    async () => (await acc()).progress?.stepsTotal,
    (total) => total === 1,
  );

  // Coach A invites a colleague into their organisation; the colleague leads an accompaniment of their own.
  const invitation = await f.coach.post('/api/organisation/invitations', { email: uniqueEmail('collegue') });
  colleague = new Agent(server.url);
  expect(
    (
      await colleague.post(`/api/organisation/invitations/${invitation.body.token}/accept`, {
        name: 'Camille Collègue',
        password: 'motdepasse-c',
      })
    ).status,
  ).toBe(201);
  const created = await colleague.post('/api/accompaniments', {
    title: 'Outplacement — Test',
    kind: 'outplacement',
    hoursBudget: 30,
  });
  colleagueAcc = created.body.id;
});
afterAll(() => server.dispose());

describe('[EVID1] the certificat de réalisation', () => {
  it('names the organisation, the learner, the action and its nature, the dates of the held sessions and the hours', async () => {
    const text = shownText(
      await renderCertificatePdf(await commonFacts(server.storage, await acc(), server.clock.now()), PLAIN),
    );
    expect(text).toContain('Certificat de réalisation');
    expect(text).toContain('Structure de Coach A');
    expect(text).toContain('Léa Test');
    expect(text).toContain('Bilan de compétences — Test');
    expect(text).toContain('[X] bilan de compétences');
    expect(text).toContain('[ ] action de formation');
    // No contract dates yet: from the first to the last held session (the cancelled one does not count).
    expect(text).toContain('19 octobre 2026 au 20 octobre 2026');
    expect(text).toContain('2 h 30 (2,5 heures)');
    expect(text).toContain('2 séances');
    expect(text).toContain('Cachet et signature du responsable du dispensateur de l’action');
    expect(text).toContain('le 20 octobre 2026');
    expect(leakedMarker(text)).toBeNull();
  });

  it('takes the contract dates and the funder from the administrative facts when they are set', async () => {
    const patched = await f.coach.request('PATCH', `/api/accompaniments/${f.accompaniment.id}/admin`, {
      funder: 'cpf',
      startDate: '2026-10-01',
      endDate: '2026-12-15',
    });
    expect(patched.status).toBe(200);
    const text = shownText(
      await renderCertificatePdf(await commonFacts(server.storage, await acc(), server.clock.now()), PLAIN),
    );
    expect(text).toContain('1 octobre 2026 au 15 décembre 2026');
    expect(text).toContain('Compte personnel de formation (CPF)');
  });

  it('[EVID4] is downloaded by the coach and the learner; 404 for another coach, 401 anonymous', async () => {
    const path = `/api/accompaniments/${f.accompaniment.id}/certificate.pdf`;
    for (const agent of [f.coach, f.learner]) {
      const pdf = await agent.download(path);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(
        'attachment; filename="certificat-de-realisation.pdf"',
      );
      expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    }
    expect((await f.otherCoach.download(path)).status).toBe(404);
    expect((await f.anonymous.download(path)).status).toBe(401);
  });
});

describe('[EVID2] the Qualiopi evidence pack', () => {
  it('merges adaptations, co-built documents, follow-ups, attendance and its verification in one dated timeline', async () => {
    const data = await evidencePackData(server.storage, server.sync, await acc(), server.clock.now());
    const texts = data.timeline.map((i) => i.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        `Adaptation : étape reportée « ${STEP_TITLE} » — par Coach A (motif consigné)`,
        `Exercice proposé : « ${EXERCISE_TITLE} »`,
        `Exercice rendu : « ${EXERCISE_TITLE} »`,
        'Document de synthèse validé par Léa Test (version 1)',
        'Rendez-vous du 22 octobre 2026 à 09:00 annulé par Léa Test — motif : Empêchement de dernière minute',
        'Séance du 19 octobre 2026 à 10:00 tenue : 1 h comptées',
        'Séance du 20 octobre 2026 à 14:00 tenue : 1 h 30 comptées',
        'Émargement n° 1 — Léa Test (personne accompagnée), matin, présence confirmée',
      ]),
    );
    const text = shownText(await renderEvidencePackPdf(data, PLAIN));
    expect(text).toContain('Dossier de preuves Qualiopi');
    expect(text).toContain(`Exercice proposé : « ${EXERCISE_TITLE} »`);
    expect(text).toContain('Structure de Coach A');
    expect(text).toContain('Chaîne d’émargement intègre : 1 enregistrement vérifié.');
    // In time order.
    const times = data.timeline.map((i) => i.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('never carries the text of notes, exercise answers, the synthesis, messages, reasons of adaptations or private notes', async () => {
    const data = await evidencePackData(server.storage, server.sync, await acc(), server.clock.now());
    expect(leakedMarker(JSON.stringify(data))).toBeNull();
    expect(leakedMarker(shownText(await renderEvidencePackPdf(data, PLAIN)))).toBeNull();
  });

  it('[EVID4] is for the coach and the manager of the organisation; the learner gets 403, another coach 404', async () => {
    const path = `/api/accompaniments/${f.accompaniment.id}/evidence.pdf`;
    const ok = await f.coach.download(path);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect((await f.learner.download(path)).status).toBe(403);
    expect((await f.otherCoach.download(path)).status).toBe(404);
    // Coach A manages the organisation their colleague belongs to: they read the colleague's pack…
    expect((await f.coach.download(`/api/accompaniments/${colleagueAcc}/evidence.pdf`)).status).toBe(200);
    // …but not the activity report, which is the colleague's, nor does the colleague read coach A's.
    expect((await f.coach.download(`/api/accompaniments/${colleagueAcc}/activity.pdf`)).status).toBe(404);
    expect((await colleague.download(path)).status).toBe(404);
  });
});

describe('[EVID3] the activity report', () => {
  it('gives the hours, the sessions and the progress', async () => {
    const text = shownText(
      await renderActivityPdf(await activityData(server.storage, await acc(), server.clock.now()), PLAIN),
    );
    expect(text).toContain('Rapport d’activité');
    expect(text).toContain('Réalisées avec le prestataire : ');
    expect(text).toContain('2 h 30');
    expect(text).toContain('21 h 30');
    expect(text).toContain('2 séances tenue(s), 0 rendez-vous à venir, 1 annulé(s).');
    expect(text).toContain('0 étape(s) terminée(s) sur 1 (0 %).');
    expect(leakedMarker(text)).toBeNull();
  });

  it('[EVID4] is the coach’s: 403 for the learner, 404 for another coach', async () => {
    const path = `/api/accompaniments/${f.accompaniment.id}/activity.pdf`;
    expect((await f.coach.download(path)).status).toBe(200);
    expect((await f.learner.download(path)).status).toBe(403);
    expect((await f.otherCoach.download(path)).status).toBe(404);
  });

  it('[AUDIT2] each download is in the audit log', async () => {
    const entries = await server.storage.audit.list(
      (await server.storage.organisations.membershipOf(f.ids.coach))!.organisation.id,
      { from: 0, to: Number.MAX_SAFE_INTEGER },
    );
    const downloads = entries.filter((e) => e.action === 'export.downloaded').map((e) => e.summary);
    expect(downloads).toEqual(
      expect.arrayContaining([
        'Certificat de réalisation téléchargé.',
        'Dossier de preuves Qualiopi téléchargé.',
        'Rapport d’activité téléchargé.',
      ]),
    );
  });
});

describe('[CLOSE4] the exercises PDF a learner may keep', () => {
  it('holds each exercise with its questions and the learner’s answers (their own copy)', async () => {
    const doc = server.sync.rooms.get(f.accompaniment.sharedDoc)!.doc;
    const exercises = readExercises(doc);
    expect(exercises).toMatchObject([
      {
        title: EXERCISE_TITLE,
        questions: [{ prompt: 'Qu’est-ce qui compte pour vous ?', answer: MARKERS.exercise }],
      },
    ]);
    const text = shownText(
      await renderExercisesPdf(
        {
          accompanimentTitle: 'Bilan de compétences — Test',
          learnerName: 'Léa Test',
          generatedAt: server.clock.now(),
          exercises,
        },
        PLAIN,
      ),
    );
    expect(text).toContain(EXERCISE_TITLE);
    expect(text).toContain(MARKERS.exercise);
  });
});

// The markers are in the documents, so the absence checks above mean something.
it('the documents do hold the marked content', () => {
  const doc = server.sync.rooms.get(f.accompaniment.sharedDoc)!.doc;
  expect(notesText(sharedNotes(doc))).toContain(MARKERS.note);
  expect(listMessages(doc).map((m) => m.text)).toContain(MARKERS.message);
});
