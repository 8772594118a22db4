import { describe, expect, it } from 'vitest';
import { startCompanions } from './start.js';

// What `start` runs beside n8n: here only the playground (the model server and PGlite off)
const base = { FIRTH_SERVER: 'off', FIRTH_PGVECTOR: 'off' };

describe('start runs the course playground beside n8n', () => {
  it("serves it on 127.0.0.1 and prints its URL in the line under n8n's", async () => {
    const companions = await startCompanions({ n8nPort: 5678, env: { ...base, FIRTH_PLAYGROUND_PORT: '0' } });
    try {
      const url = companions.playground?.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(companions.playgroundLine).toContain(`Course playground: ${url}`);
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Firth playground</title>');
    } finally {
      await companions.close();
    }
    await expect(fetch(companions.playground!.url)).rejects.toThrow();
  });

  it('FIRTH_PLAYGROUND=off starts none and says so', async () => {
    const companions = await startCompanions({ env: { ...base, FIRTH_PLAYGROUND: 'off' } });
    expect(companions.playground).toBeUndefined();
    expect(companions.playgroundLine).toBe('Course playground: off (FIRTH_PLAYGROUND=off)');
    await companions.close();
  });

  it("refuses a port that is not a number, or n8n's", async () => {
    await expect(
      startCompanions({ n8nPort: 5678, env: { ...base, FIRTH_PLAYGROUND_PORT: '80a' } }),
    ).rejects.toThrow('FIRTH_PLAYGROUND_PORT must be a port number 0–65535, not 80a');
    await expect(
      startCompanions({ n8nPort: 5678, env: { ...base, FIRTH_PLAYGROUND_PORT: '5678' } }),
    ).rejects.toThrow('FIRTH_PLAYGROUND_PORT 5678 is taken by n8n or the model server');
  });
});
