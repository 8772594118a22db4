/**
 * The neural-network playground in Chromium (browser tier): the perceptron's AND gate step by step
 * against the course's hand calculation and @firth/neural's trace, an MLP learning XOR in the page
 * against the same MLP trained here, the circles and spirals the page plots against the core's
 * generators, keyboard use, bad input, axe-core and a screenshot (test/.artifacts/playground/network.png).
 *
 *   node apps/playground/build-ui.mjs && cd test && FIRTH_TEST_TIER=int npx vitest run src/playground/network.int.test.ts
 */
import {
  type LogicGateName,
  logicGate,
  MLPClassifier,
  type MLPOptions,
  makeCircles,
  makeSpirals,
  Perceptron,
} from '@firth/neural';
import { roundTo } from '@firth/numeric';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlayground, type PlaygroundSession, skipReason } from './harness.js';

/** The few DOM members the page-side callbacks use (test/'s tsconfig has no DOM library). */
interface DomElement {
  textContent: string | null;
  open?: boolean;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
declare const document: {
  getElementById(id: string): DomElement | null;
  activeElement: { id: string } | null;
};

/** The cells of every body row of a table, as the page shows them. */
async function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page
    .locator(`${selector} tbody tr`)
    .evaluateAll((rows: DomElement[]) =>
      rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())),
    );
}

/** The text of the first element `selector` finds, trimmed. */
async function text(scope: Page | Locator, selector: string): Promise<string> {
  return ((await scope.locator(selector).first().textContent()) ?? '').trim();
}

/** A number as the page prints it in its tables (@firth/numeric's rounding for reading). */
const show = (v: number) => String(roundTo(v));

interface Settings {
  dataset: 'and' | 'xor' | 'circles' | 'spirals';
  points?: string;
  noise?: string;
  dataSeed?: string;
  hidden: string;
  activation: NonNullable<MLPOptions['activation']>;
  solver: 'adam' | 'sgd';
  learningRate: string;
  seed: string;
}

/** Sets the MLP's controls as a learner would (each change starts over). */
async function configure(page: Page, s: Settings): Promise<void> {
  const mlp = page.locator('.network-mlp');
  await mlp.getByLabel('Data set').selectOption(s.dataset);
  if (s.points !== undefined) await mlp.getByLabel('Points', { exact: true }).fill(s.points);
  if (s.noise !== undefined) await mlp.getByLabel('Noise').fill(s.noise);
  if (s.dataSeed !== undefined) await mlp.getByLabel('Data seed').fill(s.dataSeed);
  await mlp.getByLabel('Hidden layers (units per layer)').fill(s.hidden);
  await mlp.getByLabel('Activation').selectOption(s.activation);
  await mlp.getByLabel('Solver').selectOption(s.solver);
  await mlp.getByLabel('Learning rate').fill(s.learningRate);
  await mlp.getByLabel('Weights seed').fill(s.seed);
}

/** The same network, built here from the same settings. */
function coreNetwork(s: Settings): MLPClassifier {
  return new MLPClassifier({
    hiddenLayerSizes: s.hidden.split(',').map(Number),
    activation: s.activation,
    solver: s.solver,
    learningRateInit: Number(s.learningRate),
    randomState: Number(s.seed),
  });
}

/** Epoch, loss and accuracy as shown, read together (one render). */
async function stats(page: Page): Promise<{ epoch: string; loss: string; accuracy: string }> {
  return page.evaluate(() => ({
    epoch: document.getElementById('network-mlp-epoch')!.textContent!.trim(),
    loss: document.getElementById('network-mlp-loss')!.textContent!.trim(),
    accuracy: document.getElementById('network-mlp-accuracy')!.textContent!.trim(),
  }));
}

describe.skipIf(skipReason !== undefined)('the neural-network playground in Chromium (browser tier)', () => {
  let s: PlaygroundSession;
  beforeAll(async () => {
    s = await openPlayground('network');
  });
  afterAll(async () => {
    await s?.close();
  });

  it("shows the AND gate's training steps with the course's hand-calculation numbers", async () => {
    const { page } = s;
    const section = page.locator('.network-perceptron');
    // The course (seed, "Step-by-Step Hand Calculation for AND Gate"):
    //   - Training data: $X = [[0,0], [0,1], [1,0], [1,1]]$, $y = [0, 0, 0, 1]$
    //   - Learning rate (η) = 0.1
    //   - Initial weights (randomly assigned): $w_1 = 0.3$, $w_2 = -0.1$
    //   - Initial bias: $b = 0.2$
    expect(await section.getByLabel('Gate').inputValue()).toBe('and');
    expect(await section.getByLabel('Learning rate η').inputValue()).toBe('0.1');
    expect(await section.getByLabel('Initial w1').inputValue()).toBe('0.3');
    expect(await section.getByLabel('Initial w2').inputValue()).toBe('-0.1');
    expect(await section.getByLabel('Initial bias b').inputValue()).toBe('0.2');

    for (let i = 0; i < 3; i++) await section.getByRole('button', { name: 'Step' }).click();
    expect(await tableCells(page, '#network-perceptron-trace')).toHaveLength(3);
    // after example 3 the course has "$w_1 = … = 0.2$", "$w_2 = … = -0.2$", "$b = 0 + 0.1 * (-1) = -0.1$":
    // the line drawn is 0.2·x1 − 0.2·x2 − 0.1 = 0
    await expect
      .poll(() => section.locator('svg[role="img"]').getAttribute('aria-label'))
      .toBe('Decision boundary 0.2·x1 − 0.2·x2 − 0.1 = 0');
    expect(await section.locator('figcaption').textContent()).toContain('w = [0.2, -0.2], b = -0.1.');

    await section.getByRole('button', { name: 'Run' }).click();
    const rows = await tableCells(page, '#network-perceptron-trace');
    // The course's six steps, line for line ("Weighted sum", "Activation: output", "Error", "Weight updates"):
    //   Example 1: (0,0) → 0 … z = 0.3(0) + (-0.1)(0) + 0.2 = 0.2 … output = 1 … error = 0 - 1 = -1 … w_1 = 0.3, w_2 = -0.1, b = 0.1
    //   Example 2: (0,1) → 0 … z = 0.3(0) + (-0.1)(1) + 0.1 = 0 … output = 1 … error = -1 … w_1 = 0.3, w_2 = -0.2, b = 0
    //   Example 3: (1,0) → 0 … z = 0.3(1) + (-0.2)(0) + 0 = 0.3 … output = 1 … error = -1 … w_1 = 0.2, w_2 = -0.2, b = -0.1
    //   Example 4: (1,1) → 1 … z = 0.2(1) + (-0.2)(1) + (-0.1) = -0.1 … output = 0 … error = 1 - 0 = 1 … w_1 = 0.3, w_2 = -0.1, b = 0
    //   Second Iteration, Example 1: (0,0) → 0 … z = … + 0 = 0 … output = 1 … error = -1 … w_1 = 0.3, w_2 = -0.1, b = -0.1
    //   Example 2: (0,1) → 0 … z = 0.3(0) + (-0.1)(1) + (-0.1) = -0.2 … output = 0 … error = 0 … w_1 = 0.3, w_2 = -0.1, b = -0.1
    expect(rows.slice(0, 6)).toEqual([
      ['1', '(0, 0)', '0', '0.2', '1', '-1', '(0.3, -0.1)', '0.1'],
      ['1', '(0, 1)', '0', '0', '1', '-1', '(0.3, -0.2)', '0'],
      ['1', '(1, 0)', '0', '0.3', '1', '-1', '(0.2, -0.2)', '-0.1'],
      ['1', '(1, 1)', '1', '-0.1', '0', '1', '(0.3, -0.1)', '0'],
      ['2', '(0, 0)', '0', '0', '1', '-1', '(0.3, -0.1)', '-0.1'],
      ['2', '(0, 1)', '0', '-0.2', '0', '0', '(0.3, -0.1)', '-0.1'],
    ]);
    // …and every step to convergence equals @firth/neural's trace computed here
    const and = logicGate('and');
    const core = new Perceptron({
      learningRate: 0.1,
      initialWeights: [0.3, -0.1],
      initialBias: 0.2,
      maxEpochs: 20,
    }).fit(and.X, and.y);
    expect(core.converged).toBe(true);
    expect(rows).toEqual(
      core.trace.map((t) => [
        String(t.epoch),
        `(${t.inputs.join(', ')})`,
        String(t.target),
        show(t.z),
        String(t.output),
        String(t.error),
        `(${t.weights.map(show).join(', ')})`,
        show(t.bias),
      ]),
    );
    expect(await page.locator('#network-perceptron-status').textContent()).toBe(
      `Converged after ${core.epochs} epochs (${core.trace.length} steps): the last epoch made no mistake.`,
    );
    // the course's "the perceptron will converge to weights that correctly classify all AND gate examples"
    const last = core.trace.at(-1)!;
    expect(await section.locator('figcaption').textContent()).toContain(
      `w = [${last.weights.map(show).join(', ')}], b = ${show(last.bias)}. Outputs now: (0, 0) → 0, (0, 1) → 0, (1, 0) → 0, (1, 1) → 1.`,
    );

    await section.getByRole('button', { name: 'Reset' }).click();
    expect(await tableCells(page, '#network-perceptron-trace')).toEqual([]);
  });

  it.each(['or', 'xor'] as LogicGateName[])('replays the %s gate as the core does', async (gate) => {
    const section = s.page.locator('.network-perceptron');
    await section.getByLabel('Gate').selectOption(gate);
    await section.getByRole('button', { name: 'Run' }).click();
    const data = logicGate(gate);
    const core = new Perceptron({
      learningRate: 0.1,
      initialWeights: [0.3, -0.1],
      initialBias: 0.2,
      maxEpochs: 20,
    }).fit(data.X, data.y);
    const rows = await tableCells(s.page, '#network-perceptron-trace');
    expect(rows.map((r) => r[3])).toEqual(core.trace.map((t) => show(t.z)));
    expect(rows.map((r) => r[7])).toEqual(core.trace.map((t) => show(t.bias)));
    expect(await s.page.locator('#network-perceptron-status').textContent()).toMatch(
      core.converged ? /^Converged after/ : /^Not converged after 20 epochs/,
    );
    await section.getByLabel('Gate').selectOption('and');
  });

  it('trains an MLP on XOR to 100 % training accuracy, with the loss the core computes here', async () => {
    const { page } = s;
    const settings: Settings = {
      dataset: 'xor',
      hidden: '4',
      activation: 'tanh',
      solver: 'adam',
      learningRate: '0.03',
      seed: '42',
    };
    await configure(page, settings);
    const play = page.locator('#network-mlp-play');
    await play.click();
    await expect
      .poll(() => page.locator('#network-mlp-accuracy').textContent(), { timeout: 60_000 })
      .toBe('100 %');
    await play.click();
    await expect.poll(() => play.textContent()).toBe('Play');
    // no frame trains after Pause: the numbers hold still
    const shown = await stats(page);
    await page.waitForTimeout(300);
    expect(await stats(page)).toEqual(shown);

    const epochs = Number(shown.epoch);
    expect(epochs).toBeGreaterThan(0);
    const xor = logicGate('xor');
    const core = coreNetwork(settings);
    for (let e = 0; e < epochs; e++) core.partialFit(xor.X, xor.y, { classes: [0, 1] });
    expect(shown.loss).toBe(core.loss.toFixed(6));
    expect(core.score(xor.X, xor.y)).toBe(1);
    expect(shown.accuracy).toBe('100 %');
    // the loss curve drawn has one point per epoch (lossCurveSvg: a polyline)
    const curve = page.locator('.network-mlp svg[role="img"]');
    expect(await curve.getAttribute('aria-label')).toBe('Training loss');
    expect(await page.locator('.network-mlp figcaption').nth(1).textContent()).toBe(
      `Log loss per epoch, from ${core.lossCurve[0]!.toFixed(6)} at epoch 1 to ${core.loss.toFixed(6)} at epoch ${epochs}.`,
    );
    expect(await page.locator('#network-mlp-surface').getAttribute('aria-label')).toContain(
      '4 of 4 training points classified correctly',
    );

    // Step: exactly one epoch more, still equal to the core
    await page.locator('.network-mlp').getByRole('button', { name: 'Step' }).click();
    await expect.poll(async () => (await stats(page)).epoch).toBe(String(epochs + 1));
    core.partialFit(xor.X, xor.y, { classes: [0, 1] });
    expect((await stats(page)).loss).toBe(core.loss.toFixed(6));
  });

  it.each([
    ['circles', { nSamples: 60, noise: 0.1, randomState: 3 }],
    ['spirals', { nSamples: 40, noise: 0.05, randomState: 1 }],
  ] as const)('plots the %s the core generates, and the predictions after a step', async (name, opts) => {
    const { page } = s;
    const settings: Settings = {
      dataset: name,
      points: String(opts.nSamples),
      noise: String(opts.noise),
      dataSeed: String(opts.randomState),
      hidden: '8, 8',
      activation: 'relu',
      solver: 'sgd',
      learningRate: '0.1',
      seed: '7',
    };
    await configure(page, settings);
    const details = page.locator('.network-mlp details');
    if (!(await details.evaluate((d: DomElement) => d.open === true)))
      await details.locator('summary').click();
    // the page's circles have an inner radius of 0.5 (mlp-playground.tsx's CIRCLES_FACTOR)
    const data = name === 'circles' ? makeCircles({ ...opts, factor: 0.5 }) : makeSpirals(opts);
    await expect.poll(async () => (await tableCells(page, '#network-mlp-points')).length).toBe(opts.nSamples);
    let rows = await tableCells(page, '#network-mlp-points');
    expect(rows.map((r) => r.slice(0, 3))).toEqual(
      data.X.map((x, i) => [show(x[0]!), show(x[1]!), String(data.y[i])]),
    );
    expect(rows.every((r) => r[3] === '—')).toBe(true);

    await page.locator('.network-mlp').getByRole('button', { name: 'Step' }).click();
    await expect.poll(async () => (await stats(page)).epoch).toBe('1');
    const core = coreNetwork(settings).partialFit(data.X, data.y, { classes: [0, 1] });
    rows = await tableCells(page, '#network-mlp-points');
    expect(rows.map((r) => r[3])).toEqual(core.predictProba(data.X).map((p) => show(p[1]!)));
    expect(rows.map((r) => r[4])).toEqual(core.predict(data.X).map(String));
    expect((await stats(page)).loss).toBe(core.loss.toFixed(6));
    expect((await stats(page)).accuracy).toBe(`${roundTo(core.score(data.X, data.y) * 100, 1)} %`);
  });

  it('names the problem in bad input and keeps the page working', async () => {
    const { page } = s;
    const mlp = page.locator('.network-mlp');
    await mlp.getByLabel('Hidden layers (units per layer)').fill('4, x');
    await page.locator('#network-mlp-play').click();
    await expect
      .poll(() => text(mlp, '[role="alert"]'))
      .toBe('Hidden layers must be whole numbers ≥ 1 separated by commas (such as 8, 8), got "4, x".');
    expect(await page.locator('#network-mlp-play').textContent()).toBe('Play');
    await mlp.getByLabel('Hidden layers (units per layer)').fill('4');
    await mlp.getByLabel('Learning rate').fill('-1');
    await mlp.getByRole('button', { name: 'Step' }).click();
    // the core's own check (mlp-options.ts), shown as it words it
    await expect
      .poll(() => text(mlp, '[role="alert"]'))
      .toBe('learningRateInit must be a number > 0, got -1');
    await mlp.getByLabel('Learning rate').fill('0.03');
    await mlp.getByLabel('Noise').fill('-0.5');
    await expect.poll(() => text(mlp, '[role="alert"]')).toBe('noise must be a number >= 0, got -0.5');
    expect(await page.locator('#network-mlp-play').isDisabled()).toBe(true);
    await mlp.getByLabel('Noise').fill('0.05');

    const perceptron = page.locator('.network-perceptron');
    await perceptron.getByLabel('Learning rate η').fill('abc');
    await expect
      .poll(() => text(perceptron, '[role="alert"]'))
      .toBe('Learning rate η must be a number, got "abc".');
    await perceptron.getByLabel('Learning rate η').fill('0.1');
    await expect.poll(() => page.locator('[role="alert"]').count()).toBe(0);
  });

  it('is usable from the keyboard alone: Tab to Play, Enter plays, Space pauses', async () => {
    const { page } = s;
    await configure(page, {
      dataset: 'spirals',
      points: '200',
      noise: '0.05',
      dataSeed: '0',
      hidden: '8, 8',
      activation: 'tanh',
      solver: 'adam',
      learningRate: '0.03',
      seed: '42',
    });
    await page.locator('#tab-network').focus();
    let presses = 0;
    while ((await page.evaluate(() => document.activeElement?.id)) !== 'network-mlp-play') {
      await page.keyboard.press('Tab');
      if (++presses > 40) throw new Error('Tab never reached the Play button');
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, '#network-mlp-play')).toBe('Pause');
    expect(await page.locator('#network-mlp-play').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => Number((await stats(page)).epoch)).toBeGreaterThan(30);
    await page.keyboard.press('Space');
    await expect.poll(() => text(page, '#network-mlp-play')).toBe('Play');
    const paused = Number((await stats(page)).epoch);
    // Tab on to Step; Enter trains one epoch
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(async () => Number((await stats(page)).epoch)).toBe(paused + 1);
  });

  it('passes axe-core, stays on 127.0.0.1 and logs no error (screenshot: network)', async () => {
    const { page } = s;
    await page.locator('.network-perceptron').getByRole('button', { name: 'Step' }).click();
    await page.locator('.network-perceptron').getByRole('button', { name: 'Step' }).click();
    expect(await s.axe()).toEqual([]);
    await s.screenshot('network');
    expect(s.outside).toEqual([]);
    expect(s.problems).toEqual([]);
  });
});
