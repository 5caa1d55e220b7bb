import { SESSION_COOKIE } from '../auth/session.ts';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  body: any;
  text: string;
}

/** A fetch client with a one-cookie jar, like one browser profile. */
export class Agent {
  readonly baseUrl: string;
  cookie: string | null = null;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  /** `compagnon_session=<token>`, to send on a WebSocket upgrade. */
  get cookieHeader(): string {
    if (!this.cookie) throw new Error('no session');
    return `${SESSION_COOKIE}=${this.cookie}`;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    } else if (method !== 'GET' && method !== 'HEAD') h['content-type'] ??= 'application/json';
    if (this.cookie) h['cookie'] = `${SESSION_COOKIE}=${this.cookie}`;
    const res = await fetch(this.baseUrl + path, init);
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name === SESSION_COOKIE) this.cookie = value ? value : null;
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, body, headers);
  }
  put(path: string, body?: unknown) {
    return this.request('PUT', path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }

  /** A multipart upload as a browser sends it (same-origin `Origin` unless `headers` say otherwise). */
  async upload(
    path: string,
    fields: Record<string, string | { bytes: Uint8Array; name: string; type?: string }>,
    headers: Record<string, string> = { origin: this.baseUrl },
  ): Promise<Reply> {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) {
      if (typeof value === 'string') form.set(key, value);
      else
        form.set(
          key,
          new Blob([value.bytes as Uint8Array<ArrayBuffer>], { type: value.type ?? '' }),
          value.name,
        );
    }
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h['cookie'] = `${SESSION_COOKIE}=${this.cookie}`;
    const res = await fetch(this.baseUrl + path, { method: 'POST', body: form, headers: h });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  /** GET returning the raw bytes. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
    const res = await fetch(this.baseUrl + path, {
      headers: this.cookie ? { cookie: `${SESSION_COOKIE}=${this.cookie}` } : {},
    });
    return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  async signUp(email: string, password = 'motdepasse-solide', name = 'Coach Test'): Promise<Reply> {
    const reply = await this.post('/api/auth/sign-up/email', { email, password, name });
    if (reply.status !== 201) throw new Error(`sign-up ${reply.status}: ${reply.text}`);
    return reply;
  }

  async signIn(email: string, password: string): Promise<Reply> {
    return this.post('/api/auth/sign-in/email', { email, password });
  }
}

let counter = 0;
/** A unique e-mail address per call. */
export function uniqueEmail(prefix = 'personne'): string {
  counter++;
  return `${prefix}.${process.pid}.${counter}.${Date.now()}@exemple.fr`;
}

export interface Fixture {
  coach: Agent;
  otherCoach: Agent;
  learner: Agent;
  anonymous: Agent;
  accompaniment: { id: string; sharedDoc: string; privateDoc: string };
  ids: { coach: string; learner: string };
}

/** Calls `read` until `ok` holds on its result (projections are eventually consistent), or fails. */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`until: timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Coach A with an accompaniment whose learner accepted an invitation, coach B, and an anonymous agent. */
export async function fixture(baseUrl: string, options: { template?: string } = {}): Promise<Fixture> {
  const coach = new Agent(baseUrl);
  const otherCoach = new Agent(baseUrl);
  const learner = new Agent(baseUrl);
  const signedUp = await coach.signUp(uniqueEmail('coach-a'), 'motdepasse-a', 'Coach A');
  await otherCoach.signUp(uniqueEmail('coach-b'), 'motdepasse-b', 'Coach B');
  const created = await coach.post('/api/accompaniments', {
    title: 'Bilan de compétences — Test',
    kind: 'bilan',
    hoursBudget: 24,
    ...(options.template ? { template: options.template } : {}),
  });
  if (created.status !== 201) throw new Error(`create ${created.status}: ${created.text}`);
  const invite = await coach.post(`/api/accompaniments/${created.body.id}/invitations`, {
    email: uniqueEmail('learner'),
  });
  if (invite.status !== 201) throw new Error(`invite ${invite.status}: ${invite.text}`);
  const accepted = await learner.post(`/api/invitations/${invite.body.token}/accept`, {
    name: 'Léa Test',
    password: 'motdepasse-l',
  });
  if (accepted.status !== 201) throw new Error(`accept ${accepted.status}: ${accepted.text}`);
  return {
    coach,
    otherCoach,
    learner,
    anonymous: new Agent(baseUrl),
    accompaniment: {
      id: created.body.id,
      sharedDoc: created.body.sharedDoc,
      privateDoc: created.body.privateDoc,
    },
    ids: { coach: signedUp.body.id, learner: accepted.body.id },
  };
}

/** Coach B's own accompaniment (« Autre ») and its learner, who must get nothing of coach A's. */
export async function otherAccompaniment(
  baseUrl: string,
  f: Fixture,
  options: { kind?: string; hoursBudget?: number } = {},
): Promise<{ accompaniment: Fixture['accompaniment']; learner: Agent }> {
  const created = await f.otherCoach.post('/api/accompaniments', {
    title: 'Autre',
    kind: options.kind ?? 'bilan',
    hoursBudget: options.hoursBudget ?? 10,
  });
  if (created.status !== 201) throw new Error(`create ${created.status}: ${created.text}`);
  const invite = await f.otherCoach.post(`/api/accompaniments/${created.body.id}/invitations`, {
    email: uniqueEmail('l2'),
  });
  if (invite.status !== 201) throw new Error(`invite ${invite.status}: ${invite.text}`);
  const learner = new Agent(baseUrl);
  const accepted = await learner.post(`/api/invitations/${invite.body.token}/accept`, {
    name: 'Autre',
    password: 'motdepasse-x',
  });
  if (accepted.status !== 201) throw new Error(`accept ${accepted.status}: ${accepted.text}`);
  return {
    accompaniment: {
      id: created.body.id,
      sharedDoc: created.body.sharedDoc,
      privateDoc: created.body.privateDoc,
    },
    learner,
  };
}
