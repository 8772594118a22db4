import { describe, expect, it } from 'vitest';
import { firthLogLines } from './log.js';

// Lines as n8n 2.41 printed them with the old per-node bundles (each with its own TF.js copy).
const log = [
  'Initializing n8n process',
  "The kernel 'Abs' for backend 'wasm' is already registered",
  'Platform node has already been set. Overwriting the platform with node.',
  'No Groq credential: the Groq client asked the Firth local server at http://127.0.0.1:8787 instead',
  'Failed to start Python task runner in internal mode. because its virtual environment is missing',
  '    at Axios.request (/root/.cache/firth/n8n-1/node_modules/axios/dist/node/axios.cjs:5427:41)',
  'Nodes successfully tested:',
  '\tn8n-nodes-firth.perceptron: 4',
  'Error in node n8n-nodes-firth.wordVectors: boom',
].join('\n');

describe('firthLogLines', () => {
  it("picks TF.js's duplicate registrations and Firth's own lines, not n8n's or a path", () => {
    expect(firthLogLines(log)).toEqual([
      "The kernel 'Abs' for backend 'wasm' is already registered",
      'Platform node has already been set. Overwriting the platform with node.',
      'No Groq credential: the Groq client asked the Firth local server at http://127.0.0.1:8787 instead',
      'Error in node n8n-nodes-firth.wordVectors: boom',
    ]);
  });

  it('leaves out lines containing an ignored text', () => {
    expect(firthLogLines(log, ['Groq', 'kernel', 'Platform', 'boom'])).toEqual([]);
  });

  it('finds nothing in an empty log', () => {
    expect(firthLogLines('')).toEqual([]);
  });
});
