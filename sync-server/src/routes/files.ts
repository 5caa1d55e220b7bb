import { newId } from '@compagnon/model';
import { createRoute, z } from '@hono/zod-openapi';
import { roleIn } from '../auth/access.ts';
import { cleanFileName, contentDisposition, detectType } from '../files/signature.ts';
import type { FileRecord } from '../storage/files.ts';
import type { User } from '../storage/users.ts';
import type { Services } from './context.ts';
import { newRouter } from './router.ts';
import { FileInfoSchema, errorResponse } from './schemas.ts';

export const FILE_MAX_BYTES = 10 * 1024 * 1024;
export const FILE_TOO_BIG = { error: 'Le fichier dépasse la taille maximale de 10 Mio.' };

const upload = createRoute({
  method: 'post',
  path: '/',
  tags: ['Fichiers'],
  summary: 'Déposer un fichier (10 Mio au plus ; PDF, images, texte, documents Office et OpenDocument)',
  description:
    'multipart/form-data : `file`, et `accompanimentId` pour un fichier d’accompagnement (sans lui, le fichier ' +
    'va dans la bibliothèque de la personne qui accompagne). L’en-tête `Origin` de ce serveur est exigé. ' +
    'Le type est reconnu d’après le contenu, pas d’après le type annoncé.',
  request: {
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          // A plain schema (not zod): the handler reads the form itself, after the size limit.
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'string', format: 'binary' },
              accompanimentId: { type: 'string' },
            },
          },
        },
      },
    },
  },
  responses: {
    201: { description: 'Fichier enregistré', content: { 'application/json': { schema: FileInfoSchema } } },
    400: errorResponse('Formulaire invalide'),
    401: errorResponse('Non connecté·e'),
    403: errorResponse('Origine manquante ou refusée'),
    404: errorResponse('Accompagnement introuvable'),
    413: errorResponse('Fichier trop gros (plus de 10 Mio)'),
    415: errorResponse('Type de fichier non accepté'),
  },
});

const download = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['Fichiers'],
  summary: 'Télécharger un fichier (toujours en pièce jointe)',
  request: {
    params: z.object({
      id: z
        .string()
        .max(100)
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
  },
  responses: {
    200: {
      description: 'Le contenu, avec Content-Disposition: attachment et Content-Security-Policy: sandbox',
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    },
    401: errorResponse('Non connecté·e'),
    404: errorResponse('Introuvable'),
  },
});

const UNAUTHENTICATED = { error: 'Non connecté·e.' };
const NOT_FOUND = { error: 'Fichier introuvable.' };
const UNSUPPORTED = {
  error:
    'Type de fichier non accepté : PDF, image (PNG, JPEG, GIF, WebP), texte, Word, Excel, PowerPoint ou OpenDocument texte.',
};

/** Files (FILE1–FILE6). */
export function fileRoutes(services: Services) {
  const { storage, fileStore, clock, log } = services;
  const app = newRouter();

  /** Who may read a file (FILE4, ORG5, FILE6). */
  async function mayRead(user: User, file: FileRecord): Promise<boolean> {
    if (file.uploaderId === user.id) return true;
    if (file.accompanimentId) {
      const acc = await storage.accompaniments.find(file.accompanimentId);
      return acc !== null && roleIn(user, acc) !== null;
    }
    // A coach's library file: the coaches of the uploader's organisation while an item holding it is shared
    // (ORG5), and the members of the accompaniments whose coach copied it into the pathway (FILE6).
    if (user.role === 'coach' && (await storage.files.isSharedWithCoach(file, user.id))) return true;
    return storage.files.isGrantedToMember(file.id, user.id);
  }

  app.openapi(upload, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const { user } = session;
    let form: Record<string, string | File>;
    try {
      form = await c.req.parseBody();
    } catch {
      return c.json({ error: 'Formulaire illisible : envoyez un fichier en multipart/form-data.' }, 400);
    }
    const file = form['file'];
    if (!(file instanceof File))
      return c.json({ error: 'Requête invalide — fichier : champ obligatoire.' }, 400);
    if (file.size > FILE_MAX_BYTES) return c.json(FILE_TOO_BIG, 413);
    if (file.size === 0) return c.json({ error: 'Le fichier est vide.' }, 400);

    let accompanimentId: string | null = null;
    const requested = form['accompanimentId'];
    if (typeof requested === 'string' && requested !== '') {
      const acc = await storage.accompaniments.find(requested);
      if (!acc || !roleIn(user, acc)) return c.json({ error: 'Accompagnement introuvable.' }, 404);
      accompanimentId = acc.id;
    } else if (user.role === 'learner') {
      // A learner has no library: their documents belong to their accompaniment.
      const own = await storage.accompaniments.listForLearner(user.id);
      if (own.length !== 1)
        return c.json({ error: 'Requête invalide — accompanimentId : champ obligatoire.' }, 400);
      accompanimentId = own[0]!.id;
    }

    const bytes = new Uint8Array(await file.arrayBuffer());
    const name = cleanFileName(file.name);
    const type = detectType(bytes, name, file.type);
    if (!type) return c.json(UNSUPPORTED, 415);

    const id = newId<'FileId'>();
    const sha256 = await fileStore.write(id, bytes);
    try {
      await storage.files.create({
        id,
        uploaderId: user.id,
        accompanimentId,
        name,
        size: bytes.byteLength,
        type,
        sha256,
        createdAt: clock.now(),
      });
    } catch (error) {
      await fileStore.remove(id).catch((e: unknown) => log.error('Fichier orphelin non supprimé', e));
      throw error;
    }
    return c.json({ id, name, size: bytes.byteLength, type }, 201);
  });

  app.openapi(download, async (c) => {
    const session = c.get('session');
    if (!session) return c.json(UNAUTHENTICATED, 401);
    const file = await storage.files.find(c.req.valid('param').id);
    // Not allowed is answered like missing (AUTH5).
    if (!file || !(await mayRead(session.user, file)) || !(await fileStore.exists(file.id)))
      return c.json(NOT_FOUND, 404);
    c.header('Content-Type', file.type === 'text/plain' ? 'text/plain; charset=utf-8' : file.type);
    c.header('Content-Length', String(file.size));
    c.header('Content-Disposition', contentDisposition(file.name));
    c.header('Content-Security-Policy', 'sandbox');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(fileStore.stream(file.id), 200);
  });

  return app;
}
