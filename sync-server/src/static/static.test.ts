import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDir, type TestServer } from '../test-support/server.ts';

let server: TestServer;
let bare: TestServer;

beforeAll(async () => {
  const web = tempDir('compagnon-web-');
  mkdirSync(path.join(web, '_app/immutable/entry'), { recursive: true });
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Compagnon</title><div id="app"></div>');
  writeFileSync(path.join(web, 'service-worker.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(path.join(web, 'manifest.webmanifest'), '{"name":"Compagnon"}');
  writeFileSync(path.join(web, 'a-propos.html'), '<p>À propos</p>');
  writeFileSync(path.join(web, '_app/immutable/entry/start.abc123.js'), 'export {};');
  writeFileSync(path.join(web, '_app/version.json'), '{"version":"1"}');
  server = await startTestServer({ webDir: web });
  bare = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
  await bare.dispose();
});

const get = (s: TestServer, p: string) => fetch(s.url + p);

describe('web app', () => {
  it('[STATIC1] serves files, prerendered pages, and index.html for client routes', async () => {
    const root = await get(server, '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await root.text()).toContain('<div id="app">');

    const route = await get(server, '/invitation/AbCdEf');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="app">');
    expect(route.headers.get('cache-control')).toBe('no-cache');

    const page = await get(server, '/a-propos');
    expect(await page.text()).toBe('<p>À propos</p>');

    const manifest = await get(server, '/manifest.webmanifest');
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);

    expect((await get(server, '/_app/immutable/entry/missing.js')).status).toBe(404);
    expect((await get(server, '/favicon.png')).status).toBe(404);
    const head = await fetch(server.url + '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('[STATIC2] hashed assets are cached for a year; index.html and the service worker are no-cache', async () => {
    const asset = await get(server, '/_app/immutable/entry/start.abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const p of ['/', '/index.html', '/service-worker.js', '/_app/version.json'])
      expect((await get(server, p)).headers.get('cache-control')).toBe('no-cache');
    expect((await get(server, '/')).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('[STATIC3] paths cannot leave the web folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/a%00b']) {
      const res = await get(server, p);
      expect([200, 400, 404]).toContain(res.status);
      const text = await res.text();
      expect(text).not.toContain('root:');
      expect(text).not.toContain('"name"');
    }
  });

  it('[STATIC4] without a build, a French page says the web app is not built; the API still works', async () => {
    const res = await get(bare, '/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('l’application web n’est pas encore construite');
    expect((await get(bare, '/api/health')).status).toBe(200);
  });
});
