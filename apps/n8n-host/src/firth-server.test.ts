import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { llama2cToGguf, loadLlama2c, loadLlama2cTokenizer } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import {
  applyCredentialOverrides,
  DEFAULT_FIRTH_SERVER_URL,
  firthServerPort,
  readCredentialFiles,
  startFirthServer,
} from './firth-server.js';
import { PGLITE_CREDENTIAL_NAME } from './pglite-server.js';

const credentialsDir = join(resolve(import.meta.dirname, '../../..'), 'workflows', 'credentials');

describe('the committed credentials (workflows/credentials/)', () => {
  it('are named for what they are: the Firth server, and a Postgres to point at your own server', () => {
    expect(readCredentialFiles(credentialsDir).map((c) => c.name)).toEqual([
      'Firth local server (OpenAI API)',
      'Firth local server (Ollama API)',
      'Postgres with pgvector (your own server: edit host, port and password)',
    ]);
  });

  it('point at the Firth server on 8787 and hold only the placeholder key', () => {
    const credentials = readCredentialFiles(credentialsDir);
    expect(credentials.map((c) => [c.id, c.type, c.data])).toEqual([
      ['firthLocalOpenAi1', 'openAiApi', { apiKey: 'firth-local', url: `${DEFAULT_FIRTH_SERVER_URL}/v1` }],
      ['firthLocalOllama1', 'ollamaApi', { baseUrl: DEFAULT_FIRTH_SERVER_URL, apiKey: 'firth-local' }],
      [
        'firthPostgresVec1',
        'postgres',
        {
          host: '127.0.0.1',
          port: 5432,
          database: 'postgres',
          user: 'postgres',
          password: 'firth-local',
          maxConnections: 10,
          ssl: 'disable',
        },
      ],
    ]);
  });
});

describe('applyCredentialOverrides', () => {
  const credentials = [
    {
      id: 'a1',
      name: 'A',
      type: 'openAiApi',
      data: { apiKey: 'firth-local', url: 'http://127.0.0.1:8787/v1' },
    },
    { id: 'b1', name: 'B', type: 'groqApi', data: { apiKey: 'gsk_other' } },
  ];

  it('moves the Firth URLs to another server and sets its key there only', () => {
    const out = applyCredentialOverrides(credentials, {
      firthServerUrl: 'http://127.0.0.1:40123/',
      firthServerKey: 'k3y',
    });
    expect(out[0]?.data).toEqual({ apiKey: 'k3y', url: 'http://127.0.0.1:40123/v1' });
    expect(out[1]?.data).toEqual({ apiKey: 'gsk_other' });
    expect(credentials[0]?.data.url).toBe('http://127.0.0.1:8787/v1'); // input untouched
  });

  it('points every postgres credential at another server, SSL off, and nothing else', () => {
    const pg = {
      id: 'p1',
      name: 'P',
      type: 'postgres',
      data: { host: 'localhost', port: 5432, maxConnections: 10 },
    };
    const [openAi, groq, postgres] = applyCredentialOverrides([...credentials, pg], {
      postgres: { host: '127.0.0.1', port: 40124, user: 'u', password: 'p', database: 'd' },
    });
    expect(postgres?.data).toEqual({
      host: '127.0.0.1',
      port: 40124,
      user: 'u',
      password: 'p',
      database: 'd',
      maxConnections: 10,
      ssl: 'disable',
    });
    expect(postgres?.name).toBe('P');
    expect([openAi, groq]).toEqual(credentials);
    expect(pg.data.port).toBe(5432); // input untouched
  });

  it("names the postgres credential after the server it now points at (PGlite's name)", () => {
    const pg = { id: 'p1', name: 'P', type: 'postgres', data: { host: 'localhost', port: 5432 } };
    const server = { host: '127.0.0.1', port: 40125, user: 'u', password: 'p', database: 'd' };
    const [renamed, openAi] = applyCredentialOverrides([pg, credentials[0]!], {
      postgres: { ...server, name: PGLITE_CREDENTIAL_NAME },
    });
    expect(renamed?.name).toBe('Postgres with pgvector: PGlite in memory, started by Firth');
    expect(renamed?.data).toMatchObject({ port: 40125 });
    expect(openAi?.name).toBe('A');
    expect(pg.name).toBe('P'); // input untouched
  });

  it('leaves everything as the files say without overrides', () => {
    expect(applyCredentialOverrides(credentials)).toEqual(credentials);
  });
});

describe('startFirthServer', () => {
  it('fails clearly when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startFirthServer({ port })).rejects.toThrow(
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*FIRTH_SERVER=off`),
      );
    } finally {
      blocker.close();
    }
  });

  it('serves /v1/models on 127.0.0.1 and stops', async () => {
    const server = await startFirthServer({ port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toContain('tinystories-260k');
    } finally {
      await server.close();
    }
  });

  it("serves the user's GGUF model (FIRTH_GGUF_MODEL) beside tinystories-260k, on both APIs", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firth-host-gguf-'));
    const path = join(dir, 'my-model.gguf');
    writeFileSync(path, llama2cToGguf(await loadLlama2c(), loadLlama2cTokenizer(), { type: 'q8_0' }));
    const server = await startFirthServer({ port: 0, gguf: path, threads: 1 });
    try {
      const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(['tinystories-260k', 'my-model']));
      const reply = await fetch(`${server.url}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'my-model',
          prompt: 'Once upon a time',
          stream: false,
          options: { num_predict: 8, temperature: 0 },
        }),
      });
      expect(reply.status).toBe(200);
      const body = (await reply.json()) as { model: string; response: string; eval_count: number };
      expect(body.model).toBe('my-model');
      expect(body.eval_count).toBeGreaterThan(0);
      expect(body.response.trim().length).toBeGreaterThan(0);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(startFirthServer({ port: 0, gguf: join(dir, 'gone.gguf') })).rejects.toThrow(/gone\.gguf/);
  });

  it('reads FIRTH_SERVER_PORT', () => {
    expect(firthServerPort(undefined)).toBe(8787);
    expect(firthServerPort('9000')).toBe(9000);
    expect(() => firthServerPort('80a')).toThrow(/FIRTH_SERVER_PORT/);
  });
});
