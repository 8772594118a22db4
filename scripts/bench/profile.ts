/**
 * Where a benchmark's time goes, by engine part: V8's sampling CPU profiler (node:inspector) runs
 * while `work` runs on the calling thread, and each sample is charged to the first frame on its stack,
 * from the leaf up, whose source file a category names (a WebAssembly kernel's frame has no file: it
 * is charged to the JavaScript that called it, e.g. matmul-f32.ts). Samples in V8's garbage collector
 * are 'GC'; samples no category claims are 'other' (the model's and autograd's JavaScript, the loop).
 *
 * Worker threads are not sampled: with threads > 1 the calling thread's share of a product (and its
 * wait for the workers) is charged to the product's category.
 */
import { Session } from 'node:inspector/promises';

export interface ProfileCategory {
  name: string;
  /** Source files (basenames, e.g. 'matmul-f32.ts' — '.js' matches too) whose frames are this category's. */
  files: string[];
}

export interface CategoryTime {
  name: string;
  /** Milliseconds of samples charged to the category. */
  ms: number;
  share: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** Runs `work` under the CPU profiler (sampling every `intervalUs` µs) and charges its samples to `categories`. */
export async function profileByCategory(
  work: () => void,
  categories: ProfileCategory[],
  intervalUs = 200,
): Promise<CategoryTime[]> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  let profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  try {
    work();
  } finally {
    // stopped even when `work` throws
    ({ profile } = (await session.post('Profiler.stop')) as unknown as { profile: typeof profile });
    session.disconnect();
  }

  const parent = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    nodes.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const fileCategory = new Map<string, string>();
  for (const c of categories) for (const f of c.files) fileCategory.set(f.replace(/\.[jt]s$/, ''), c.name);
  const categoryOf = new Map<number, string>();
  const charge = (id: number): string => {
    const known = categoryOf.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id)!;
    let name: string;
    if (node.callFrame.functionName === '(garbage collector)') name = 'GC';
    else {
      const base = node.callFrame.url
        .split('/')
        .pop()!
        .replace(/\.[jt]s$/, '');
      const own = fileCategory.get(base);
      const up = parent.get(id);
      name = own ?? (up === undefined ? 'other' : charge(up));
    }
    categoryOf.set(id, name);
    return name;
  };
  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const name = charge(id);
    ms.set(name, (ms.get(name) ?? 0) + dt);
    total += dt;
  });
  const order = [...categories.map((c) => c.name), 'GC', 'other'];
  return order
    .filter((name) => ms.has(name))
    .map((name) => ({ name, ms: ms.get(name)!, share: ms.get(name)! / total }));
}
