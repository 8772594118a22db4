import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaygroundServer, type PlaygroundServer } from './server.js';

/** A raw request (fetch cannot send a forged Host header). */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the playground server', () => {
  let server: PlaygroundServer;
  beforeAll(async () => {
    server = await createPlaygroundServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and serves the built page with a same-origin content policy', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    const js = await fetch(`${server.url}/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await js.text()).length).toBeGreaterThan(1000);
  });

  it('answers an unknown path with 404 JSON naming it', async () => {
    const res = await fetch(`${server.url}/api/nothing-here`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no such page: /api/nothing-here' });
  });

  it('refuses a Host that is not this machine (DNS rebinding) and a page from another site', async () => {
    const rebound = await raw(server.url, { headers: { Host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toMatch(/^Host "evil\.example:\d+" is not allowed/);
    const cross = await raw(server.url, {
      headers: { Host: `127.0.0.1:${server.port}`, Origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.body).error).toMatch(/web page "https:\/\/evil\.example" are not allowed/);
    const local = await raw(server.url, { headers: { Host: `localhost:${server.port}` } });
    expect(local.status).toBe(200);
  });

  it('will not listen beyond this machine unless told to', async () => {
    await expect(createPlaygroundServer({ port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /host 0\.0\.0\.0 needs allowRemote/,
    );
  });

  it('says which port is taken and how to pick another', async () => {
    await expect(createPlaygroundServer({ port: server.port })).rejects.toThrow(
      new RegExp(`port ${server.port} on 127\\.0\\.0\\.1 is already in use.*FIRTH_PLAYGROUND_PORT`),
    );
  });
});
