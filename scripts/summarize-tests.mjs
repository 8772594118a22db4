// Adds up the vitest JSON reports of every package (`.reports/unit.json`, `.reports/int.json`) and
// the turbo run summary, and prints the suite's closing line: `N passed, N failed`, with each failed
// test named above it (file, name, the first line of its message).
// A test file that failed to load counts as one failure; so does a failed non-test task (lint,
// typecheck, build), named above the line. Exit code: 0 only when nothing failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const upstreamStatus = Number(process.argv[2] ?? 0);
const biomeStatus = Number(process.argv[3] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

for (const group of ['packages', 'apps']) {
  for (const name of existsSync(join(root, group)) ? readdirSync(join(root, group)) : [])
    readReports(join(root, group, name));
}
readReports(join(root, 'test'));

function readReports(dir) {
  const reports = join(dir, '.reports');
  if (!existsSync(reports)) return;
  for (const file of readdirSync(reports).filter((f) => f.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(reports, file), 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    for (const t of r.testResults ?? []) {
      const assertions = t.assertionResults ?? [];
      for (const a of assertions.filter((x) => x.status === 'failed')) {
        // named above the closing line, so that the tail of a CI log says what failed and why
        const why = (a.failureMessages?.[0] ?? '').split('\n').find((l) => l.trim()) ?? '';
        problems.push(
          `test failed: ${relative(root, t.name)} > ${a.fullName ?? a.title}${why ? ` — ${why.trim().slice(0, 300)}` : ''}`,
        );
      }
      if (t.status === 'failed' && !assertions.some((a) => a.status === 'failed')) {
        failed += 1;
        problems.push(
          `test file failed to run: ${t.name}${t.message ? ` — ${t.message.split('\n')[0]}` : ''}`,
        );
      }
    }
  }
}

// Non-test turbo tasks (lint, typecheck, build) that failed.
const runs = join(root, '.turbo', 'runs');
if (existsSync(runs)) {
  for (const file of readdirSync(runs).filter((f) => f.endsWith('.json'))) {
    const summary = JSON.parse(readFileSync(join(runs, file), 'utf8'));
    for (const task of summary.tasks ?? []) {
      const code = task.execution?.exitCode;
      if (code && !/#test(:int)?$/.test(task.taskId)) {
        failed += 1;
        problems.push(`task failed: ${task.taskId} (exit ${code})`);
      }
    }
  }
}
if (biomeStatus !== 0) {
  failed += 1;
  problems.push('lint/format failed: biome check (run `pnpm format`, then fix what remains)');
}
if (upstreamStatus !== 0 && failed === 0) {
  failed += 1;
  problems.push('a step failed before or outside the test runner (see the log above)');
}
for (const p of problems) console.log(`[firth] ${p}`);
// scripts/lib/chromium.sh: no Chromium here (and none could be installed), so its tests were skipped
if (process.env.FIRTH_BROWSER_SKIP)
  console.log(`[firth] browser tier skipped: ${process.env.FIRTH_BROWSER_SKIP}`);
// scripts/lib/queue-services.sh: no PostgreSQL / Redis here (none could be installed): queue tier skipped
if (process.env.FIRTH_QUEUE_SKIP) console.log(`[firth] queue tier skipped: ${process.env.FIRTH_QUEUE_SKIP}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
