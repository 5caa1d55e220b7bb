import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { addStep, listPhases, listSteps, type Step } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, until, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
/** A second coach with their own learner. */
let g: Fixture;

beforeAll(async () => {
  server = await startTestServer();
  [f, g] = await Promise.all([fixture(server.url), fixture(server.url)]);
});
afterAll(() => server.dispose());

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR', [1, 2, 3, 4, 5]);
const PDF = bytes('%PDF-1.7\n%âãÏÓ\n1 0 obj << >> endobj\n%%EOF\n');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF');
const GIF = bytes('GIF89a', [1, 0, 1, 0]);
const WEBP = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ');
const DOCX = bytes(
  'PK',
  [3, 4],
  'xxxxxxxxxxxxxxxxxxxxxxxxxx[Content_Types].xml....PK',
  [3, 4],
  '....word/document.xml',
);
const XLSX = bytes('PK', [3, 4], '..........[Content_Types].xml....xl/workbook.xml');
const PPTX = bytes('PK', [3, 4], '..........[Content_Types].xml....ppt/presentation.xml');
const ODT = bytes('PK', [3, 4], 'x'.repeat(26), 'mimetypeapplication/vnd.oasis.opendocument.text', 'PK');
const DOC = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], [0, 0, 0, 0]);
const TEXT = new Uint8Array(Buffer.from('Synthèse de la séance :\n- piste 1\n- piste 2\n', 'utf8'));

const upload = (
  agent: Agent,
  bytes: Uint8Array,
  name: string,
  type = '',
  extra: Record<string, string> = {},
) => agent.upload('/api/files', { file: { bytes, name, type }, ...extra });

describe('[FILE1][FILE2][FILE3][FILE5] upload and download', () => {
  it('stores the bytes under DATA_DIR/files/<id> with their sha256 and gives them back as an attachment', async () => {
    const r = await upload(f.coach, PNG, 'Synthèse "finale" é.png', 'image/png', {
      accompanimentId: f.accompaniment.id,
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      name: 'Synthèse _finale_ é.png',
      size: PNG.length,
      type: 'image/png',
    });
    const onDisk = path.join(server.dataDir, 'files', r.body.id);
    expect(readFileSync(onDisk)).toEqual(Buffer.from(PNG));
    expect(readdirSync(path.join(server.dataDir, 'files')).some((n) => n.startsWith('.tmp-'))).toBe(false);
    const row = (await server.storage.files.find(r.body.id))!;
    expect(row).toMatchObject({
      sha256: createHash('sha256').update(PNG).digest('hex'),
      uploaderId: f.ids.coach,
      accompanimentId: f.accompaniment.id,
    });

    const d = await f.learner.download(`/api/files/${r.body.id}`);
    expect(d.status).toBe(200);
    expect(Buffer.from(d.bytes)).toEqual(Buffer.from(PNG));
    expect(d.headers.get('content-type')).toBe('image/png');
    expect(d.headers.get('content-disposition')).toBe(
      `attachment; filename="Synth_se _finale_ _.png"; filename*=UTF-8''Synth%C3%A8se%20_finale_%20%C3%A9.png`,
    );
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-security-policy')).toBe('sandbox');
    expect(d.headers.get('cache-control')).toBe('no-store');
  });

  it('recognises each allowed type by its content, whatever the declared type', async () => {
    const cases: [Uint8Array, string, string, string][] = [
      [PDF, 'cv.pdf', 'application/octet-stream', 'application/pdf'],
      [JPEG, 'photo.jpg', '', 'image/jpeg'],
      [GIF, 'a.gif', 'image/gif', 'image/gif'],
      [WEBP, 'a.webp', 'image/webp', 'image/webp'],
      [TEXT, 'notes.txt', 'text/plain', 'text/plain'],
      [TEXT, 'notes.md', 'text/markdown', 'text/plain'],
      [
        DOCX,
        'cv.docx',
        'application/zip',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      [XLSX, 'budget.xlsx', '', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [PPTX, 'pitch.pptx', '', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
      [ODT, 'lettre.odt', '', 'application/vnd.oasis.opendocument.text'],
      [DOC, 'ancien.doc', 'application/msword', 'application/msword'],
    ];
    for (const [content, name, declared, expected] of cases) {
      const r = await upload(f.coach, content, name, declared);
      expect([name, r.status, r.body.type]).toEqual([name, 201, expected]);
    }
    const text = await upload(f.coach, TEXT, 'notes.txt', 'text/plain');
    expect((await f.coach.download(`/api/files/${text.body.id}`)).headers.get('content-type')).toBe(
      'text/plain; charset=utf-8',
    );
  });

  it('refuses spoofed and unlisted types with 415, an oversized file with 413, an empty one with 400', async () => {
    const html = bytes('<!DOCTYPE html><html><script>alert(1)</script></html>');
    const refused: [Uint8Array, string, string][] = [
      [html, 'image.png', 'image/png'],
      [html, 'page.html', 'text/html'],
      [bytes('  <svg onload="alert(1)"/>'), 'logo.svg', 'image/svg+xml'],
      [bytes('bonjour'), 'image.png', 'image/png'],
      [bytes('MZ', [0x90, 0, 3, 0]), 'setup.exe', 'application/octet-stream'],
      [bytes('PK', [3, 4], 'just-a-zip.txt'), 'archive.zip', 'application/zip'],
      [DOC, 'tableur.xls', 'application/vnd.ms-excel'],
      [bytes('abc', [0, 1, 2]), 'data.txt', 'text/plain'],
      [bytes([0xc3, 0x28]), 'bad-utf8.txt', 'text/plain'],
    ];
    for (const [content, name, declared] of refused) {
      const r = await upload(f.coach, content, name, declared);
      expect([name, r.status]).toEqual([name, 415]);
      expect(r.body.error).toMatch(/Type de fichier non accepté/);
    }
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(PDF);
    const tooBig = await upload(f.coach, big, 'gros.pdf', 'application/pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toBe('Le fichier dépasse la taille maximale de 10 Mio.');
    const limit = new Uint8Array(10 * 1024 * 1024);
    limit.set(PDF);
    expect((await upload(f.coach, limit, 'juste.pdf', 'application/pdf')).status).toBe(201);
    expect((await upload(f.coach, new Uint8Array(0), 'vide.txt', 'text/plain')).status).toBe(400);
    expect((await f.coach.upload('/api/files', { accompanimentId: f.accompaniment.id })).status).toBe(400);
  });

  it('[AUTH7][FILE1] a multipart upload needs this server’s Origin; JSON routes still refuse multipart', async () => {
    const file = { bytes: PNG, name: 'a.png', type: 'image/png' };
    const none = await f.coach.upload('/api/files', { file }, {});
    expect(none.status).toBe(403);
    expect(none.body.error).toMatch(/origine/);
    expect((await f.coach.upload('/api/files', { file }, { origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect(
      (await f.coach.upload('/api/files', { file }, { origin: server.url, 'sec-fetch-site': 'cross-site' }))
        .status,
    ).toBe(403);
    expect((await f.anonymous.upload('/api/files', { file })).status).toBe(401);
    expect((await f.coach.upload('/api/library', { file })).status).toBe(415);
    // Another person's accompaniment is unknown.
    expect(
      (await upload(f.coach, PNG, 'a.png', 'image/png', { accompanimentId: g.accompaniment.id })).status,
    ).toBe(404);
  });
});

/** Writes a step carrying `fileId` into `fixture`'s pathway over a real WebSocket as `agent`. */
async function insertDocumentStep(fixture: Fixture, agent: Agent, fileId: string, title: string) {
  const client = await SyncClient.connect(server.url, fixture.accompaniment.sharedDoc, agent.cookieHeader);
  try {
    const phase = listPhases(client.doc)[0]!;
    addStep(client.doc, {
      phaseId: phase.id,
      title,
      origin: { type: 'library', id: 'item', title },
      resource: { kind: 'document', title, fileId, fileName: 'document.pdf' },
    });
  } finally {
    // Closing after the write: the update is already on the wire, and the server stores it when it arrives.
    await client.close();
  }
}

/** Waits until the stored shared document holds a step titled `title`. */
async function stored(fixture: Fixture, title: string): Promise<Step> {
  const check = await SyncClient.connect(
    server.url,
    fixture.accompaniment.sharedDoc,
    fixture.coach.cookieHeader,
  );
  try {
    await check.waitFor((doc) => listSteps(doc).some((s) => s.title === title));
    return listSteps(check.doc).find((s) => s.title === title)!;
  } finally {
    await check.close();
  }
}

describe('[FILE4] who may read a file', () => {
  it('an accompaniment’s file: its coach and learner; a library file: its owner only', async () => {
    // The learner's own document (attached to their accompaniment by default).
    const mine = await upload(f.learner, PDF, 'attestation.pdf', 'application/pdf');
    expect(mine.status).toBe(201);
    expect((await server.storage.files.find(mine.body.id))!.accompanimentId).toBe(f.accompaniment.id);
    const library = await upload(f.coach, PDF, 'fiche-metier.pdf', 'application/pdf');
    expect((await server.storage.files.find(library.body.id))!.accompanimentId).toBeNull();

    const status = async (agent: Agent, id: string) => (await agent.download(`/api/files/${id}`)).status;
    const matrix = async (id: string) => ({
      coach: await status(f.coach, id),
      learner: await status(f.learner, id),
      otherCoach: await status(g.coach, id),
      otherLearner: await status(g.learner, id),
      anonymous: await status(f.anonymous, id),
    });
    const allowedToOwners = { coach: 200, learner: 200, otherCoach: 404, otherLearner: 404, anonymous: 401 };
    expect(await matrix(mine.body.id)).toEqual(allowedToOwners);
    // Not in the learner's pathway: the coach's library stays the coach's (FILE6).
    expect(await matrix(library.body.id)).toEqual({ ...allowedToOwners, learner: 404 });
    expect(await status(f.coach, '00000000-0000-0000-0000-000000000000')).toBe(404);
    expect(await status(f.coach, '..%2F..%2Fcompagnon.sqlite')).toBe(404);
  });
});

describe('[FILE6] a library document reaches a learner only as a copy in their pathway', () => {
  it('the coach inserting a step with the document grants its learner; nobody else', async () => {
    const file = await upload(f.coach, PDF, 'fiche-metier.pdf', 'application/pdf');
    const id = file.body.id as string;
    const read = async (agent: Agent) => (await agent.download(`/api/files/${id}`)).status;
    expect(await read(f.learner)).toBe(404);

    // The learner writing a step that names the file into their shared document gains nothing…
    await insertDocumentStep(f, f.learner, id, 'Étape écrite par la personne accompagnée');
    expect((await stored(f, 'Étape écrite par la personne accompagnée')).resource?.fileId).toBe(id);
    expect(await read(f.learner)).toBe(404);
    // … not even when the coach later changes the pathway for something else.
    await insertDocumentStep(f, f.coach, 'inconnu', 'Autre étape du coach');
    await stored(f, 'Autre étape du coach');
    expect(await read(f.learner)).toBe(404);
    expect((await server.storage.files.grantedTo(f.accompaniment.id)).has(id)).toBe(false);

    // Another coach naming it in their own pathway cannot read it, so grants nothing either.
    await insertDocumentStep(g, g.coach, id, 'Étape copiée ailleurs');
    await stored(g, 'Étape copiée ailleurs');
    expect(await read(g.learner)).toBe(404);
    expect(await read(g.coach)).toBe(404);

    // The coach copies it into the pathway: the learner can read it.
    await insertDocumentStep(f, f.coach, id, 'Lire la fiche métier');
    expect(
      await until(
        () => read(f.learner),
        (s) => s === 200,
      ),
    ).toBe(200);
    expect(await read(g.learner)).toBe(404);
    expect(await read(g.coach)).toBe(404);
  });
});

describe('[LIB1][LIB2] library', () => {
  it('create, list, update and delete one’s own items; others see nothing', async () => {
    const file = await upload(f.coach, PDF, 'Grille d’entretien.pdf', 'application/pdf');
    const link = await f.coach.post('/api/library', {
      kind: 'resource',
      resourceKind: 'link',
      title: 'Fiches métiers ROME',
      url: 'https://www.francetravail.fr/',
    });
    expect(link.status).toBe(201);
    expect(link.body).toEqual({
      id: expect.any(String),
      kind: 'resource',
      title: 'Fiches métiers ROME',
      resourceKind: 'link',
      body: null,
      url: 'https://www.francetravail.fr/',
      fileId: null,
      fileName: null,
      expected: null,
      exercise: null,
      shared: false,
      owner: { id: f.ids.coach, name: 'Coach A' },
      mine: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const doc = await f.coach.post('/api/library', {
      kind: 'resource',
      resourceKind: 'document',
      title: 'Grille',
      fileId: file.body.id,
    });
    expect(doc.body).toMatchObject({ fileId: file.body.id, fileName: 'Grille d’entretien.pdf' });
    const step = await f.coach.post('/api/library', {
      kind: 'step',
      title: 'Enquête métier',
      expected: { kind: 'reflection', prompt: 'Ce que vous retenez' },
      resourceKind: 'text',
      body: 'Préparez trois questions.',
    });
    expect(step.body).toMatchObject({
      kind: 'step',
      expected: { kind: 'reflection', prompt: 'Ce que vous retenez' },
      resourceKind: 'text',
      body: 'Préparez trois questions.',
    });

    const list = await f.coach.get('/api/library');
    expect(list.body.map((i: { id: string }) => i.id)).toEqual([step.body.id, doc.body.id, link.body.id]);

    const updated = await f.coach.put(`/api/library/${link.body.id}`, {
      kind: 'resource',
      resourceKind: 'video',
      title: 'Témoignage',
      url: 'http://exemple.fr/video',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: link.body.id, resourceKind: 'video', title: 'Témoignage' });
    expect(updated.body.createdAt).toBe(link.body.createdAt);

    // Another coach, a learner, anonymous.
    expect((await g.coach.get('/api/library')).body).toEqual([]);
    expect((await g.coach.put(`/api/library/${link.body.id}`, { kind: 'step', title: 'X' })).status).toBe(
      404,
    );
    expect((await g.coach.delete(`/api/library/${link.body.id}`)).status).toBe(404);
    expect((await f.learner.get('/api/library')).status).toBe(403);
    expect((await f.learner.post('/api/library', { kind: 'step', title: 'X' })).status).toBe(403);
    expect((await f.anonymous.get('/api/library')).status).toBe(401);

    expect((await f.coach.delete(`/api/library/${link.body.id}`)).status).toBe(204);
    expect((await f.coach.delete(`/api/library/${link.body.id}`)).status).toBe(404);
    expect((await f.coach.get('/api/library')).body).toHaveLength(2);
    // The library file was never copied into the learner's pathway: the learner cannot read it (FILE6).
    expect((await f.learner.download(`/api/files/${file.body.id}`)).status).toBe(404);
  });

  it('[LIB3] validates URLs (http/https only), lengths, required fields and file ownership', async () => {
    const bad: [unknown, RegExp][] = [
      [
        { kind: 'resource', resourceKind: 'link', title: 'X', url: 'javascript:alert(1)' },
        /adresse web invalide/,
      ],
      [
        { kind: 'resource', resourceKind: 'link', title: 'X', url: 'ftp://exemple.fr/a' },
        /adresse web invalide/,
      ],
      [
        { kind: 'resource', resourceKind: 'link', title: 'X', url: 'pas une adresse' },
        /adresse web invalide/,
      ],
      [{ kind: 'resource', resourceKind: 'link', title: 'X' }, /adresse web : champ obligatoire/],
      [{ kind: 'resource', resourceKind: 'text', title: 'X' }, /texte : champ obligatoire/],
      [{ kind: 'resource', resourceKind: 'document', title: 'X' }, /fichier/],
      [{ kind: 'resource', title: 'X' }, /type de ressource : champ obligatoire/],
      [{ kind: 'resource', resourceKind: 'audio', title: 'X' }, /type de ressource inconnu/],
      [{ kind: 'step', title: '' }, /titre/],
      [{ kind: 'step', title: 'x'.repeat(301) }, /300/],
      [{ kind: 'step', title: 'X', expected: { kind: 'quiz', prompt: '' } }, /attendu inconnu/],
      [{ kind: 'resource', resourceKind: 'text', title: 'X', body: 'x'.repeat(20_001) }, /20000/],
      [{ kind: 'modele', title: 'X' }, /type/],
    ];
    for (const [body, message] of bad) {
      const r = await f.coach.post('/api/library', body);
      expect([JSON.stringify(body).slice(0, 80), r.status]).toEqual([JSON.stringify(body).slice(0, 80), 400]);
      expect(r.body.error).toMatch(message);
    }
    const othersFile = await upload(g.coach, PDF, 'b.pdf', 'application/pdf');
    const accFile = await upload(f.coach, PDF, 'c.pdf', 'application/pdf', {
      accompanimentId: f.accompaniment.id,
    });
    for (const fileId of [othersFile.body.id, accFile.body.id, 'inconnu']) {
      const r = await f.coach.post('/api/library', {
        kind: 'resource',
        resourceKind: 'document',
        title: 'D',
        fileId,
      });
      expect(r.status).toBe(422);
    }
    expect(existsSync(path.join(server.dataDir, 'files', othersFile.body.id))).toBe(true);
  });
});
