/**
 * A command's arguments and options, declared once: parsed with Node's `util.parseArgs` (strict:
 * an unknown option is an error), numbers checked, and the `--help` text written from the same
 * declaration, so the help cannot drift from what is accepted.
 */
import { parseArgs } from 'node:util';

/** A mistake in the command line: exit code 2, the message and a pointer at `--help`. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (a missing file, a word not in the vocabulary): exit code 1, no stack. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface OptionSpec {
  type: 'string' | 'number' | 'integer' | 'boolean';
  description: string;
  short?: string;
  /** Shown in the help and used when the option is absent. */
  default?: string | number | boolean;
  /** The value's name in the help: `--out <file>`. */
  placeholder?: string;
  /** Accepted values of a string option. */
  choices?: readonly string[];
  /** Smallest accepted number. */
  min?: number;
  /** The option may be given several times (string only). */
  multiple?: boolean;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  /** @default true */
  required?: boolean;
  /** Takes every remaining word (joined by spaces). */
  rest?: boolean;
}

export interface Parsed {
  args: Record<string, string | undefined>;
  options: Record<string, string | number | boolean | string[] | undefined>;
  json: boolean;
}

export interface CommandSpec {
  /** 'word2vec train', 'serve' */
  name: string;
  summary: string;
  /** A paragraph under the usage line. */
  description?: string;
  args?: ArgumentSpec[];
  options?: Record<string, OptionSpec>;
  /** Whether the command takes --json (machine output on stdout). @default true */
  json?: boolean;
  examples: string[];
  run(parsed: Parsed, raw: string[]): Promise<number | undefined>;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };
const JSON_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'print the result as one JSON document on stdout (progress stays on stderr)',
};

function allOptions(cmd: CommandSpec): Record<string, OptionSpec> {
  return { ...cmd.options, ...(cmd.json === false ? {} : { json: JSON_OPTION }), help: HELP };
}

/** `--dim <n>`, `-h, --help` */
function optionLabel(name: string, o: OptionSpec): string {
  const value =
    o.type === 'boolean'
      ? ''
      : ` <${o.placeholder ?? (o.choices ? o.choices.join('|') : o.type === 'string' ? 'text' : 'n')}>`;
  return `${o.short ? `-${o.short}, ` : ''}--${name}${value}`;
}

export function usageLine(cmd: CommandSpec): string {
  const args = (cmd.args ?? [])
    .map((a) => {
      const word = `<${a.name}>${a.rest ? '…' : ''}`;
      return a.required === false ? `[${word}]` : word;
    })
    .join(' ');
  return `firth ${cmd.name}${args ? ` ${args}` : ''} [options]`;
}

/** The `--help` text: usage, what it does, arguments, options with defaults, examples. */
export function helpText(cmd: CommandSpec): string {
  const lines = [`Usage: ${usageLine(cmd)}`, '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description);
  const pad = (s: string, n: number) => (s.length >= n ? `${s}  ` : s.padEnd(n));
  if (cmd.args?.length) {
    lines.push('', 'Arguments:');
    for (const a of cmd.args) lines.push(`  ${pad(`<${a.name}>`, 24)}${a.description}`);
  }
  lines.push('', 'Options:');
  for (const [name, o] of Object.entries(allOptions(cmd))) {
    const dflt = o.default === undefined || o.default === false ? '' : ` (default: ${String(o.default)})`;
    lines.push(`  ${pad(optionLabel(name, o), 24)}${o.description}${dflt}`);
  }
  lines.push('', cmd.examples.length > 1 ? 'Examples:' : 'Example:', ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** The option named in one of util.parseArgs' messages, e.g. "Unknown option '--x'. …" → --x. */
function namedOption(message: string): string {
  return /'(-[^' ]*)[^']*'/.exec(message)?.[1] ?? message;
}

/** Parses argv for `cmd`; every problem is a UsageError naming it. Returns null for --help. */
export function parseCommand(cmd: CommandSpec, argv: string[]): Parsed | null {
  const specs = allOptions(cmd);
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(specs).map(([name, o]) => [
          name,
          {
            type: o.type === 'boolean' ? ('boolean' as const) : ('string' as const),
            ...(o.short ? { short: o.short } : {}),
            ...(o.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = (e as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${namedOption(message)}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = namedOption(message);
      throw new UsageError(
        /argument missing/.test(message)
          ? `${name} needs a value`
          : `${name}: ${message.replace(/^Option /, '')}`,
      );
    }
    throw new UsageError(message);
  }
  if (values.help) return null;

  const options: Parsed['options'] = {};
  for (const [name, o] of Object.entries(cmd.options ?? {})) {
    const given = values[name];
    if (given === undefined) {
      options[name] = o.default;
      continue;
    }
    if (o.type === 'boolean' || o.multiple) {
      options[name] = given as boolean | string[];
      continue;
    }
    const text = String(given);
    if (o.type === 'string') {
      if (o.choices && !o.choices.includes(text))
        throw new UsageError(`--${name} must be one of ${o.choices.join(', ')}; got "${text}"`);
      options[name] = text;
      continue;
    }
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n))
      throw new UsageError(`--${name} must be a number, got "${text}"`);
    if (o.type === 'integer' && !Number.isInteger(n))
      throw new UsageError(`--${name} must be a whole number, got "${text}"`);
    if (o.min !== undefined && n < o.min)
      throw new UsageError(`--${name} must be at least ${o.min}, got ${text}`);
    options[name] = n;
  }

  const args: Parsed['args'] = {};
  const specsArgs = cmd.args ?? [];
  let i = 0;
  for (const a of specsArgs) {
    if (a.rest) {
      const rest = positionals.slice(i);
      args[a.name] = rest.length > 0 ? rest.join(' ') : undefined;
      i = positionals.length;
    } else args[a.name] = positionals[i++];
    if (args[a.name] === undefined && a.required !== false) throw new UsageError(`missing <${a.name}>`);
  }
  if (i < positionals.length)
    throw new UsageError(`unexpected argument "${positionals[i]}" (${usageLine(cmd)})`);
  return { args, options, json: values.json === true };
}
