/**
 * The Firth nodes a learner must find in n8n's node panel, read from the BUILT package the way n8n
 * reads it: every file under `n8n.nodes` in packages/n8n-nodes-firth/package.json, its node class's
 * `description.displayName` (a versioned node's current version). Never a hand-kept copy, so a node
 * added to the package is expected in the panel without touching this test.
 *
 * The bundles are loaded in a child process: each one initialises TF.js, which prints to the
 * console and would stay loaded in the test process.
 */
import { execFileSync } from 'node:child_process';

export interface FirthNode {
  /** `dist/nodes/Perceptron/Perceptron.node.js` */
  file: string;
  /** `perceptron` (n8n's type is `n8n-nodes-firth.perceptron`) */
  name: string;
  /** `Perceptron` — what the node panel lists */
  displayName: string;
  /** Its outputs: `['main']`, or `['ai_embedding']` for an AI sub-node. */
  outputs: string[];
}

const LIST_NODES = `
const pkg = require(process.cwd() + '/package.json');
const out = [];
for (const file of pkg.n8n.nodes) {
  const exported = require(process.cwd() + '/' + file);
  const NodeClass = Object.values(exported).find((v) => typeof v === 'function');
  const node = new NodeClass();
  const d = node.nodeVersions ? node.nodeVersions[node.currentVersion].description : node.description;
  out.push({ file, name: d.name, displayName: d.displayName, outputs: Array.isArray(d.outputs) ? d.outputs.map((o) => (typeof o === 'string' ? o : o.type)) : [String(d.outputs)] });
}
process.stdout.write('\\n@@firth-nodes@@' + JSON.stringify(out));
`;

/** The package's nodes as its built `dist/` declares them. */
export function firthNodes(packageDir: string): FirthNode[] {
  const stdout = execFileSync(process.execPath, ['-e', LIST_NODES], {
    cwd: packageDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const marker = stdout.lastIndexOf('@@firth-nodes@@');
  if (marker < 0) throw new Error(`could not list the nodes of ${packageDir}'s dist/: ${stdout.slice(-500)}`);
  return JSON.parse(stdout.slice(marker + '@@firth-nodes@@'.length)) as FirthNode[];
}
