/**
 * Runs a GPT or BERT training job on a worker thread (train-worker.ts) and draws its progress:
 * the loss of every step on the bar, evaluations as lines. Ctrl-C asks the worker to stop after
 * the current step and save a checkpoint, then exits 130 (128 + SIGINT); a second Ctrl-C quits
 * at once without saving.
 */
import { Worker } from 'node:worker_threads';
import { CliError } from './args.js';
import { ProgressBar } from './progress.js';
import type { TrainJob, TrainMessage } from './train-worker.js';

export interface TrainOutcome {
  result: Record<string, unknown>;
  interrupted: boolean;
}

type Job = TrainJob extends infer J ? (J extends TrainJob ? Omit<J, 'stop'> : never) : never;

export async function runTraining(
  job: Job,
  describeEval: (m: TrainMessage & { type: 'progress' }) => string | null,
): Promise<TrainOutcome> {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { workerData: { ...job, stop } });
  let bar: ProgressBar | null = null;
  let stage = '';
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      process.stderr.write('\ninterrupted again: quitting without saving\n');
      process.exit(130);
    }
    interrupted = true;
    Atomics.store(flag, 0, 1);
    const note = `interrupted: stopping after this step and saving a checkpoint to ${job.out} (Ctrl-C again quits without saving)`;
    if (bar) bar.log(note);
    else process.stderr.write(`${note}\n`);
  };
  process.on('SIGINT', onSigint);
  try {
    return await new Promise<TrainOutcome>((resolve, reject) => {
      worker.on('message', (m: TrainMessage) => {
        if (m.type === 'progress') {
          if (m.stage !== stage) {
            bar?.done();
            stage = m.stage;
            bar = new ProgressBar({ label: m.stage === 'gpt' ? 'gpt' : `bert ${m.stage}` });
          }
          if (m.phase === 'step')
            bar!.update({
              fraction: m.step / m.steps,
              rate: m.step / Math.max(1e-9, m.elapsedMs / 1000),
              unit: 'steps/s',
              loss: m.loss,
              detail: `step ${m.step}/${m.steps}`,
            });
          const line = describeEval(m);
          if (line) bar!.log(line);
        } else if (m.type === 'done') {
          bar?.done();
          resolve({ result: m.result, interrupted });
        } else {
          bar?.done();
          const error = new CliError(m.message);
          if (m.stack) error.stack = m.stack;
          reject(error);
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0) reject(new CliError(`the training thread stopped with code ${code}`));
      });
    });
  } finally {
    process.off('SIGINT', onSigint);
    await worker.terminate();
  }
}
