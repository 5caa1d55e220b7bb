import { paraglideVitePlugin } from '@inlang/paraglide-js';
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// The sync server serves the built app and owns /api and /sync; in development Vite proxies both to it.
const server = process.env.COMPAGNON_SERVER ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [
    paraglideVitePlugin({
      project: './project.inlang',
      outdir: './src/lib/paraglide',
      // French first: a visitor sees French until they pick English, whatever their browser says.
      strategy: ['localStorage', 'baseLocale'],
    }),
    sveltekit({
      adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
    }),
  ],
  server: {
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/sync': { target: server, ws: true, changeOrigin: false },
      '/call': { target: server, ws: true, changeOrigin: false },
    },
  },
});
