/**
 * The GPT and BERT training of `firth gpt train` / `firth bert train`, on a worker thread: their
 * training loops are synchronous, so on the main thread Ctrl-C could not be seen until the end.
 * Here the main thread stays free; on SIGINT it sets `stop[0]`, the loop's `shouldStop` sees it
 * after the current step, and the checkpoint is saved before the worker reports `done`.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import {
  type TrainBertOptions,
  type TrainCharGptOptions,
  trainBert,
  trainCharGpt,
  writeCharGptCheckpoint,
} from '@firth/transformers';

export type TrainJob =
  | { kind: 'gpt'; out: string; options: TrainCharGptOptions; stop: SharedArrayBuffer }
  | { kind: 'bert'; out: string; options: TrainBertOptions; stop: SharedArrayBuffer };

export type TrainMessage =
  | {
      type: 'progress';
      stage: string;
      phase: string;
      epoch: number;
      epochs: number;
      step: number;
      steps: number;
      loss: number;
      metrics: Record<string, number>;
      elapsedMs: number;
    }
  | { type: 'done'; result: Record<string, unknown> }
  | { type: 'error'; name: string; message: string; stack?: string };

const job = workerData as TrainJob;
const stop = new Int32Array(job.stop);
const shouldStop = () => Atomics.load(stop, 0) === 1;
const post = (m: TrainMessage) => parentPort!.postMessage(m);

async function main(): Promise<Record<string, unknown>> {
  if (job.kind === 'gpt') {
    const best = join(job.out, 'best.safetensors');
    const r = await trainCharGpt({
      ...job.options,
      out: best,
      shouldStop,
      onProgress: (e) => post({ type: 'progress', stage: 'gpt', metrics: {}, ...e }),
    });
    const model = join(job.out, 'model.safetensors');
    writeCharGptCheckpoint(model, r.model, r.tokenizer);
    return {
      checkpoint: model,
      best: Number.isFinite(r.bestValLoss) ? best : null,
      steps: r.steps,
      stopped: r.stopped,
      seconds: r.seconds,
      parameters: r.model.parameterCount,
      trainLoss: r.trainLoss,
      bestValLoss: r.bestValLoss,
      sample: r.sample,
    };
  }
  const r = await trainBert({
    ...job.options,
    out: job.out,
    shouldStop,
    onProgress: (stage, e) => post({ type: 'progress', stage, metrics: {}, ...e }),
  });
  return {
    checkpoint: job.out,
    stopped: r.stopped,
    pretrain: r.pretrain,
    finetune: r.finetune,
    bankCosine: r.bankCosine,
  };
}

main().then(
  (result) => post({ type: 'done', result }),
  (e: Error) =>
    post({ type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(e), stack: e?.stack }),
);
