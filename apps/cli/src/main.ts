/**
 * `firth` — one command line over Firth's packages, as gensim's, fastText's and Hugging Face's
 * command lines are over theirs. Each command is a thin adapter (commands/*.ts): it reads its
 * arguments, calls one core function, and prints the result (text, or one JSON document with
 * --json); progress goes to stderr.
 *
 * Exit codes: 0 ok; 1 the command failed (a missing file, a word not in the vocabulary, a bad
 * checkpoint); 2 the command line is wrong (unknown command or option, missing argument, bad
 * number); 130 stopped by Ctrl-C (training commands save a checkpoint first). A failure prints
 * one line, no stack trace — FIRTH_DEBUG=1 shows it.
 */
import { readFileSync } from 'node:fs';
import { CliError, type CommandSpec, helpText, parseCommand, UsageError } from './args.js';
import { bertTrain } from './commands/bert.js';
import { generateCommand } from './commands/generate.js';
import { gloveTrain } from './commands/glove.js';
import { gptTrain } from './commands/gpt.js';
import { n8nCommand } from './commands/n8n.js';
import { playgroundCommand } from './commands/playground.js';
import { ragAsk, ragIndex } from './commands/rag.js';
import { serveCommand } from './commands/serve.js';
import { tokenizeCommand } from './commands/tokenize.js';
import { vectorsAnalogy, vectorsEval, vectorsSimilar } from './commands/vectors.js';
import { word2vecTrain } from './commands/word2vec.js';

export const COMMANDS: readonly CommandSpec[] = [
  word2vecTrain,
  gloveTrain,
  vectorsSimilar,
  vectorsAnalogy,
  vectorsEval,
  gptTrain,
  bertTrain,
  generateCommand,
  tokenizeCommand,
  ragIndex,
  ragAsk,
  serveCommand,
  playgroundCommand,
  n8nCommand,
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The groups (`word2vec`, `vectors`, …) and single commands (`generate`, `serve`, …). */
const groups = (): Map<string, CommandSpec[]> => {
  const m = new Map<string, CommandSpec[]>();
  for (const c of COMMANDS) {
    const head = c.name.split(' ')[0]!;
    m.set(head, [...(m.get(head) ?? []), c]);
  }
  return m;
};

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `firth ${version()} — Firth's models from the command line`,
    '',
    'Usage: firth <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help    show help (also after any command: firth word2vec train --help)',
    '  -V, --version print the version',
    '',
    'Every command takes --json (machine output on stdout, except serve and n8n) and --help.',
    'Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted. FIRTH_DEBUG=1 shows stack traces.',
    '',
    'Example:',
    '  firth word2vec train corpus.txt.gz --sg --dim 100 --workers 2 --out vectors.bin',
    '',
  ].join('\n');
}

function groupHelp(head: string, cmds: CommandSpec[]): string {
  const w = Math.max(...cmds.map((c) => c.name.length)) + 2;
  return [
    `Usage: firth ${head} <${cmds.map((c) => c.name.split(' ')[1]).join('|')}> [options]`,
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    `Run 'firth ${head} <command> --help' for its options.`,
    '',
  ].join('\n');
}

/** Runs one command line; resolves with the exit code (undefined: a server that keeps running). */
export async function run(argv: string[]): Promise<number | undefined> {
  let where = '';
  try {
    const [head, sub] = argv;
    if (head === undefined) {
      process.stderr.write(mainHelp());
      return 2;
    }
    if (head === '--help' || head === '-h' || head === 'help') {
      process.stdout.write(mainHelp());
      return 0;
    }
    if (head === '--version' || head === '-V') {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    const cmds = groups().get(head);
    if (!cmds) throw new UsageError(`unknown command "${head}"`);
    let cmd: CommandSpec;
    let rest: string[];
    if (cmds.length === 1 && cmds[0]!.name === head) {
      cmd = cmds[0]!;
      rest = argv.slice(1);
    } else {
      where = head;
      if (sub === undefined) {
        process.stderr.write(groupHelp(head, cmds));
        return 2;
      }
      if (sub === '--help' || sub === '-h') {
        process.stdout.write(groupHelp(head, cmds));
        return 0;
      }
      const found = cmds.find((c) => c.name === `${head} ${sub}`);
      if (!found)
        throw new UsageError(
          `unknown command "${head} ${sub}" (one of: ${cmds.map((c) => c.name).join(', ')})`,
        );
      cmd = found;
      rest = argv.slice(2);
    }
    where = cmd.name;
    const parsed = parseCommand(cmd, rest);
    if (parsed === null) {
      process.stdout.write(helpText(cmd));
      return 0;
    }
    return await cmd.run(parsed, rest);
  } catch (e) {
    return report(e, where);
  }
}

/** One line on stderr for the user; the stack only with FIRTH_DEBUG=1. */
export function report(e: unknown, where: string): number {
  const error = e instanceof Error ? e : new Error(String(e));
  const prefix = where ? `firth ${where}` : 'firth';
  if (error instanceof UsageError) {
    process.stderr.write(`${prefix}: ${error.message}\nRun '${prefix} --help' for usage.\n`);
    return 2;
  }
  process.stderr.write(`${prefix}: error: ${error.message}\n`);
  if (process.env.FIRTH_DEBUG && process.env.FIRTH_DEBUG !== '0')
    process.stderr.write(`${error.stack ?? ''}\n`);
  else if (!(error instanceof CliError) && !isFirthError(error))
    process.stderr.write('(FIRTH_DEBUG=1 shows where it happened)\n');
  return 1;
}

/** Errors that Firth's packages raise for bad input (ValidationError, FormatError, KeyError, …): their message says it all. */
function isFirthError(e: Error): boolean {
  return ['ValidationError', 'FormatError', 'KeyError', 'LlmError', 'ConfigError'].includes(e.name);
}
