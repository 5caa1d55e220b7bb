import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { clockFrom, heldAndConfirmed } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';

let server: TestServer;
let f: Fixture;
let colleague: Agent;
let learnerEmail: string;

beforeAll(async () => {
  server = await startTestServer({ clock: clockFrom('2026-11-02T07:00:00Z'), clockControl: true });
  f = await fixture(server.url);
  learnerEmail = (await f.learner.get('/api/me')).body.email;
  await heldAndConfirmed(server, f, '2026-11-02');
  // The learner signs in again on another device.
  const again = new Agent(server.url);
  expect((await again.signIn(learnerEmail, 'motdepasse-l')).status).toBe(200);
  // A coach invited into coach A's organisation: a member, not its manager.
  const invitation = await f.coach.post('/api/organisation/invitations', { email: uniqueEmail('collegue') });
  colleague = new Agent(server.url);
  await colleague.post(`/api/organisation/invitations/${invitation.body.token}/accept`, {
    name: 'Camille Collègue',
    password: 'motdepasse-c',
  });
});
afterAll(() => server.dispose());

describe('[AUDIT2] the important actions are recorded', () => {
  it('shows the organisation’s entries to its manager, newest first, with the actor and a short summary', async () => {
    const reply = await f.coach.get('/api/audit');
    expect(reply.status).toBe(200);
    const entries: {
      seq: number;
      at: string;
      actor: { id: string; name: string } | null;
      action: string;
      summary: string;
    }[] = reply.body.entries;
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'accompaniment.created',
        'invitation.sent',
        'invitation.accepted',
        'appointment.booked',
        'appointment.held',
        'attendance.signed',
        'auth.sign-in',
        'organisation.invitation-sent',
        'organisation.invitation-accepted',
      ]),
    );
    const seqs = entries.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const signIn = entries.find((e) => e.action === 'auth.sign-in')!;
    // A learner belongs to no organisation: the one accompanying them keeps their sign-in.
    expect(signIn.actor).toEqual({ id: f.ids.learner, name: 'Léa Test' });
    expect(entries.find((e) => e.action === 'appointment.held')!.summary).toMatch(
      /^Séance du .* tenue : 60 min comptées\.$/,
    );
    // Administrative summaries only: no e-mail address, no content.
    expect(JSON.stringify(entries)).not.toContain(learnerEmail);
  });

  it('filters by actor and by period', async () => {
    const mine = await f.coach.get(`/api/audit?actorId=${f.ids.learner}`);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    expect(mine.body.entries.every((e: { actor: { id: string } }) => e.actor.id === f.ids.learner)).toBe(
      true,
    );
    expect(
      (await f.coach.get('/api/audit?from=2026-11-02&to=2026-11-02')).body.entries.length,
    ).toBeGreaterThan(0);
    expect((await f.coach.get('/api/audit?from=2026-11-03')).body.entries).toEqual([]);
    expect((await f.coach.get('/api/audit?from=2026-11-01&to=2026-10-01')).status).toBe(400);
    const bad = await f.coach.get('/api/audit?from=hier');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^Requête invalide/);
  });
});

describe('[AUDIT3] visible to the manager only', () => {
  it('a coach member, a learner and anonymous are refused; another organisation sees none of it', async () => {
    expect((await colleague.get('/api/audit')).status).toBe(403);
    expect((await f.learner.get('/api/audit')).status).toBe(403);
    expect((await f.anonymous.get('/api/audit')).status).toBe(401);
    const other = await f.otherCoach.get('/api/audit');
    expect(other.status).toBe(200);
    expect(other.body.entries.some((e: { targetId: string }) => e.targetId === f.accompaniment.id)).toBe(
      false,
    );
  });
});

describe('[AUDIT1] append-only', () => {
  it('refuses UPDATE and DELETE in the database itself', async () => {
    const { sql } = server.storage;
    expect(await sql.get('SELECT count(*) AS n FROM audit_log WHERE seq = 1')).toMatchObject({ n: 1 });
    await expect(sql.exec("UPDATE audit_log SET summary = 'modifié' WHERE seq = 1")).rejects.toThrow(
      /append-only/,
    );
    await expect(sql.exec('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(sql.exec('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
