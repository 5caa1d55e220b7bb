import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, uniqueEmail } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { LoginThrottle } from './throttle.ts';

describe('sign-in throttling', () => {
  it('[AUTH6] locks an e-mail after 5 failures, doubling the delay, and a success clears it', () => {
    const t = new LoginThrottle({ baseDelayMs: 1000 });
    const now = 1_000_000;
    for (let i = 0; i < 4; i++) t.fail('a@x.fr', '1.1.1.1', now);
    expect(t.retryAfter('a@x.fr', '1.1.1.1', now)).toBe(0);
    t.fail('a@x.fr', '1.1.1.1', now);
    expect(t.retryAfter('a@x.fr', '1.1.1.1', now)).toBe(1);
    t.fail('a@x.fr', '1.1.1.1', now + 1000);
    expect(t.retryAfter('a@x.fr', '1.1.1.1', now + 1000)).toBe(2);
    expect(t.retryAfter('b@x.fr', '2.2.2.2', now)).toBe(0);
    t.succeed('a@x.fr');
    expect(t.retryAfter('a@x.fr', '1.1.1.1', now + 1000)).toBe(0);
  });

  it('[AUTH6] locks a client address after 20 failures on any e-mails', () => {
    const t = new LoginThrottle({ baseDelayMs: 1000 });
    for (let i = 0; i < 20; i++) t.fail(`u${i}@x.fr`, '9.9.9.9', 0);
    expect(t.retryAfter('new@x.fr', '9.9.9.9', 0)).toBeGreaterThan(0);
    expect(t.retryAfter('new@x.fr', '8.8.8.8', 0)).toBe(0);
  });

  describe('over HTTP', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server.dispose());

    it('[AUTH6] answers 429 with Retry-After after 5 wrong passwords, even with the right one', async () => {
      const email = uniqueEmail('throttled');
      await new Agent(server.url).signUp(email, 'le-bon-mot-de-passe');
      const agent = new Agent(server.url);
      for (let i = 0; i < 5; i++) {
        const r = await agent.signIn(email, `mauvais-${i}`);
        expect(r.status).toBe(401);
        expect(r.body.error).toMatch(/incorrect/);
      }
      const locked = await agent.signIn(email, 'le-bon-mot-de-passe');
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(locked.body.error).toMatch(/Réessayez/);
      expect(agent.cookie).toBeNull();
      // Another account from the same address is not locked by this one.
      const other = uniqueEmail('other');
      await new Agent(server.url).signUp(other, 'autre-mot-de-passe');
      expect((await new Agent(server.url).signIn(other, 'autre-mot-de-passe')).status).toBe(200);
    });
  });

  it('[AUTH6] behind a declared proxy, the address is the proxy-appended X-Forwarded-For entry', async () => {
    const proxied = await startTestServer({ trustProxy: true });
    try {
      const email = uniqueEmail('proxy');
      const fail = (forwardedFor: string) =>
        new Agent(proxied.url).post(
          '/api/auth/sign-in/email',
          { email: uniqueEmail('x'), password: 'mauvais' },
          { 'x-forwarded-for': forwardedFor },
        );
      // 20 failures from one client (spoofing a first entry does not help) lock that client only.
      for (let i = 0; i < 20; i++) expect((await fail(`1.2.3.${i}, 10.0.0.1`)).status).toBe(401);
      expect((await fail('10.0.0.1')).status).toBe(429);
      await new Agent(proxied.url).signUp(email, 'motdepasse-ok');
      const other = await new Agent(proxied.url).post(
        '/api/auth/sign-in/email',
        { email, password: 'motdepasse-ok' },
        { 'x-forwarded-for': '10.0.0.2' },
      );
      expect(other.status).toBe(200);
    } finally {
      await proxied.dispose();
    }
  });
});
