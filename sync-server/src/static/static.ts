import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
};

const NOT_BUILT = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Compagnon</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Compagnon</h1>
<p>Le serveur fonctionne, mais l’application web n’est pas encore construite.</p>
<p>Construisez-la avec <code>pnpm build</code>, puis rechargez cette page.
L’API reste disponible sous <a href="/api/health"><code>/api</code></a>.</p>
</body>
</html>`;

/** Hashed build output never changes under the same name; everything else is revalidated. */
function cacheControl(urlPath: string): string {
  return urlPath.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

async function fileAt(file: string): Promise<string | null> {
  try {
    const info = await stat(file);
    if (info.isFile()) return file;
    if (info.isDirectory()) {
      const index = path.join(file, 'index.html');
      if ((await stat(index).catch(() => null))?.isFile()) return index;
    }
  } catch {
    // Not there: the caller falls back.
  }
  return null;
}

/**
 * Serves the built web app (SvelteKit adapter-static output) from `webDir`: files as they are, prerendered
 * pages with or without `.html`, and `index.html` for any other path so the client router takes over.
 */
export function staticRoutes(webDir: string) {
  const root = path.resolve(webDir);
  const app = new Hono();

  app.get('*', async (c) => {
    const indexFile = path.join(root, 'index.html');
    if (!existsSync(indexFile)) return c.html(NOT_BUILT, 503, { 'Cache-Control': 'no-store' });

    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('Adresse invalide.', 400);
    }
    if (urlPath.includes('\0')) return c.text('Adresse invalide.', 400);
    const target = path.resolve(root, `.${urlPath}`);
    if (target !== root && !target.startsWith(root + path.sep)) return c.text('Introuvable.', 404);

    let file = await fileAt(target);
    if (!file && !path.extname(target)) file = await fileAt(`${target}.html`);
    if (!file) {
      // A missing build asset must not come back as HTML (the browser would run it as a script).
      if (urlPath.startsWith('/_app/') || path.extname(target) !== '') return c.text('Introuvable.', 404);
      file = indexFile;
    }
    const body = await readFile(file);
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return c.body(body, 200, {
      'Content-Type': type,
      'Cache-Control': file === indexFile ? 'no-cache' : cacheControl(urlPath),
    });
  });

  return app;
}
