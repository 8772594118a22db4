/**
 * Which browser console entries fail the browser tier (console-log.ts): Firth's do, known offline
 * noise and n8n's own do not. The lines are ones the tier recorded against n8n 2.41.
 */
import { describe, expect, it } from 'vitest';
import { classify, KNOWN_FIRTH, KNOWN_NOISE } from './console-log.js';

describe('classify', () => {
  it("counts what names Firth or the package as Firth's", () => {
    expect(
      classify('console', 'Error: Firth Chat Model: the model server did not answer @ http://x/').class,
    ).toBe('firth');
    expect(
      classify('http', '404 GET http://127.0.0.1:5678/icons/n8n-nodes-firth/dist/nodes/Mlp/mlp.svg').class,
    ).toBe('firth');
    expect(classify('http', '500 GET http://127.0.0.1:5678/rest/n8n-nodes-firth/x').class).toBe('firth');
    // a load-options call names the node type only in its body
    expect(
      classify(
        'http',
        '500 POST http://127.0.0.1:5678/rest/dynamic-node-parameters/options',
        '{"nodeTypeAndVersion":{"name":"n8n-nodes-firth.wordVectors","version":1}}',
      ).class,
    ).toBe('firth');
  });

  it("does not take a workflow's id (firthWord2VecTrn1) for Firth's", () => {
    expect(
      classify(
        'http',
        '503 POST http://127.0.0.1:5678/rest/workflow-dependencies/counts',
        '{"resourceIds":["firthWord2VecTrn1"]}',
      ).class,
    ).toBe('other');
    expect(classify('http', '500 GET http://127.0.0.1:5678/rest/workflows/firthXorMlp0001').class).toBe(
      'other',
    );
  });

  it('ignores known noise, with its reason', () => {
    const aborted = classify('requestfailed', 'GET http://127.0.0.1:5678/healthz net::ERR_ABORTED');
    expect(aborted).toMatchObject({ class: 'noise', reason: expect.stringMatching(/cancels/) });
    expect(
      classify(
        'requestfailed',
        'GET https://playgroundcdn.typescriptlang.org/cdn/lib.d.ts net::ERR_NAME_NOT_RESOLVED',
      ).class,
    ).toBe('noise');
    expect(classify('http', '401 GET http://127.0.0.1:5678/rest/login').class).toBe('noise');
    expect(
      classify(
        'console',
        'Failed to load resource: the server responded with a status of 401 (Unauthorized) @ http://127.0.0.1:5678/rest/login',
      ).class,
    ).toBe('noise');
    // a 401 elsewhere is not the sign-in probe
    expect(classify('http', '401 GET http://127.0.0.1:5678/rest/workflows').class).toBe('other');
  });

  it("ignores n8n's output-schema probe for a Firth node, and nothing else of Firth's", () => {
    for (const url of [
      'http://127.0.0.1:5678/schemas/n8n-nodes-firth.generate/1.0.0.json',
      'http://127.0.0.1:5678/schemas/n8n-nodes-firth.activationFunction/1.0.0/apply.json',
    ]) {
      expect(classify('http', `404 GET ${url}`).class, url).toBe('noise');
      expect(
        classify(
          'console',
          `Failed to load resource: the server responded with a status of 404 (Not Found) @ ${url}`,
        ).class,
        url,
      ).toBe('noise');
    }
    expect(
      classify('http', '500 GET http://127.0.0.1:5678/schemas/n8n-nodes-firth.generate/1.0.0.json').class,
    ).toBe('firth');
    // a Firth request the browser cancelled is not an error; one that failed offline is Firth's
    expect(
      classify('requestfailed', 'GET http://127.0.0.1:5678/icons/n8n-nodes-firth/x.svg net::ERR_ABORTED')
        .class,
    ).toBe('noise');
    expect(
      classify(
        'requestfailed',
        'GET https://api.npms.io/v2/package/n8n-nodes-firth net::ERR_NAME_NOT_RESOLVED',
      ).class,
    ).toBe('firth');
  });

  it("counts a request leaving the machine for Firth as Firth's, answered or not", () => {
    expect(classify('outside', 'GET https://example.com/n8n-nodes-firth/model.bin').class).toBe('firth');
    expect(classify('requestfailed', 'GET https://example.com/firth net::ERR_NAME_NOT_RESOLVED').class).toBe(
      'firth',
    );
  });

  it("knows n8n's own npm lookup of a community package from its Node details pane, with the reason", () => {
    for (const line of [
      'GET https://registry.npmjs.org/n8n-nodes-firth',
      'GET https://api.npmjs.org/downloads/range/2022-01-01:2026-12-06/n8n-nodes-firth',
    ]) {
      const entry = classify('outside', line);
      expect(entry.class).toBe('noise');
      expect(entry.reason).toMatch(/Node details/);
    }
    // n8n's own calls home are n8n's business
    expect(classify('outside', 'GET https://api.n8n.io/api/versions/2.41.1').class).toBe('other');
  });

  it('gives every known entry a reason', () => {
    for (const known of [...KNOWN_NOISE, ...KNOWN_FIRTH]) expect(known.reason.length).toBeGreaterThan(20);
  });
});
