// A single-page app: the sync server serves index.html for every route, data comes from /api and /sync.
export const ssr = false;
export const prerender = false;
