/**
 * The `lcnb` command line: each command's usage and options, option parsing whose mistakes say
 * what to type instead (Node's parseArgs messages name no alternative and quote oddly), and the
 * option values every command checks the same way.
 */
import { parseArgs } from 'node:util';
import { DEVICES } from '../core/devices';
import { ridgePoint } from '../core/predict';
import { closest } from '../lang/suggest';
import { parseInputShape } from '../onnx/reader';
import { DEFAULT_ACTIVATION_MEMORY_LIMIT_MB } from '../run/guard';
import { findModel, formFamilies, KnobValue, MODEL_FORMS, ModelForm, readForm } from '../zoo';

export const COMMANDS = ['summary', 'export', 'profile', 'predict', 'run', 'list'] as const;
export type Command = (typeof COMMANDS)[number];

/** A malformed command line: exit code 2, with the usage of `command` (all commands when absent). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const MODEL_OPTIONS_TEXT = `model options (zoo ids): --resolution N  --classes N  --batch N  --width W  --knob name=value (repeatable)
  --form training|deploy (re-parameterised models: ${formFamilies().join(', ')}; default deploy, as the papers count and time them)
--head: the zoo id is the backbone of a detection or segmentation head ('lcnb list --heads'); --resolution
  and --classes default to the head's reference, --width and --knob apply to the backbone; costs (and, with
  profile, times) are split backbone / neck / head
.onnx files: --input-shape N,C,H,W (the one data input) or --input-shape NAME=N,C,H,W (repeatable) for inputs
  with symbolic dimensions; summary finds shapes only data can tell with one onnxruntime run unless --static`;

const RUN_TEXT = `run: a cell's relative paths (.onnx files it reads, export paths) resolve against the notebook's folder;
  a provider (--kernel or a cell's provider:) that cannot start runs on cpu, and stderr says why`;

const PREDICT_TEXT = `predict: latency on a device, not measured: MobileNetV4's roofline, each fused layer max(MAdds / peak, bytes / bandwidth);
  --device names a preset (below), or give the device's peak multiply-adds (GMAdds/s) and memory bandwidth (GB/s);
  --dtype counts float tensors at that width (the preset's own by default)
devices:
${DEVICES.map((d) => `  ${d.id.padEnd(22)} ${d.name}: ridge point ${ridgePoint(d).toFixed(1)} MAdds/byte, ${d.dtype}`).join('\n')}`;

const COMMAND_LINES: Record<Command, string> = {
  summary: `  lcnb summary <model-id | model.onnx | graph.json> [model options] [--static] [--json]
  lcnb summary <backbone-id> --head <head-id> [model options] [--head-knob name=value] [--json]`,
  export: `  lcnb export <model-id | graph.json> -o <model.onnx> [model options] [--form deploy|training] [--seed N]`,
  profile: `  lcnb profile <model-id | model.onnx | graph.json> [model options] [--threads N] [--runs N] [--warmup N]
               [--provider cpu|cuda|webgpu|…] [--opt disabled|basic|extended|all] [--memory-limit-mb N] [--isolated] [--json]
  lcnb profile <backbone-id> --head <head-id> [model options] [measurement options] [--json]`,
  predict: `  lcnb predict <model-id | model.onnx | graph.json> [model options] (--device NAME | --peak-gmacs X --bandwidth-gbs Y)
               [--dtype fp32|fp16|int8] [--static] [--json]
  lcnb predict <…> --device this-machine [--refit]   (fitted to layer times measured here, cached)`,
  run: `  lcnb run <notebook.lcnb> [--out executed.lcnb] [--kernel cpu|static|<provider>] [--memory-limit-mb N]`,
  list: `  lcnb list [--heads] [--json]`,
};

/** `lcnb --help`: every command and what the counts mean. */
export const USAGE = `usage:
${COMMANDS.map((c) => COMMAND_LINES[c]).join('\n')}
  lcnb --version

${MODEL_OPTIONS_TEXT}
${RUN_TEXT}

Counts: params (trainable), MAdds (multiply-adds, the papers' "FLOPs"), FLOPs (2 × MAdds +
elementwise work), MAC (memory access cost in elements and bytes). See README for the JSON.`;

/** `lcnb <command> --help`, and what follows a mistake in that command's line. */
export function commandUsage(command: Command): string {
  const notes =
    command === 'summary' || command === 'export' || command === 'profile' || command === 'predict'
      ? `\n${MODEL_OPTIONS_TEXT}${command === 'predict' ? `\n${PREDICT_TEXT}` : ''}`
      : command === 'run'
        ? `\n${RUN_TEXT}`
        : '';
  return `usage:\n${COMMAND_LINES[command]}\n${notes}`.trimEnd();
}

/** What is printed under a usage error: the command's usage, or the list of commands, and where the rest is. */
export function usageHint(command: Command | undefined): string {
  if (!command) return `commands: ${COMMANDS.join(', ')}; 'lcnb --help' shows their options`;
  return `usage:\n${COMMAND_LINES[command]}\n('lcnb ${command} --help' explains the options, 'lcnb --help' lists every command)`;
}

/** One option as parseArgs declares it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
}

/** The flags of `options` as typed: ['--resolution', '-o', '--output', …]. */
function flagsOf(options: Readonly<Record<string, OptionSpec>>): string[] {
  return Object.entries(options).flatMap(([name, spec]) => (spec.short ? [`-${spec.short}`, `--${name}`] : [`--${name}`]));
}

/** " (did you mean --resolution?)" for '--resolutoin': names compared without their dashes. */
function flagHint(flag: string, options: Readonly<Record<string, OptionSpec>>): string {
  if (!flag.startsWith('--')) return '';
  const close = closest(flag.slice(2), Object.keys(options));
  return close.length ? ` (did you mean ${close.map((n) => `--${n}`).join(', ')}?)` : '';
}

/**
 * Runs `parse` (a parseArgs call over `options`) and turns its errors into UsageErrors that say
 * what to type: an unknown option gets the nearest of this command's options, or the command it
 * belongs to; a missing value names the option.
 */
export function parseCommand<O extends Readonly<Record<string, OptionSpec>>, R>(
  command: Command,
  options: O,
  allOptions: Readonly<Record<Command, Readonly<Record<string, OptionSpec>>>>,
  parse: (options: O) => R,
): R {
  try {
    return parse(options);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) throw e;
    throw new UsageError(parseErrorText(command, (e as Error).message, options, allOptions), command);
  }
}

function parseErrorText(command: Command, message: string, options: Readonly<Record<string, OptionSpec>>, allOptions: Readonly<Record<Command, Readonly<Record<string, OptionSpec>>>>): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (unknown !== undefined) {
    const flag = unknown.split('=')[0];
    const elsewhere = COMMANDS.filter((c) => c !== command && flagsOf(allOptions[c]).includes(flag));
    if (elsewhere.length) return `${flag} is not an option of ${command} (it is an option of ${elsewhere.join(' and ')})`;
    return `unknown option ${flag}${flagHint(flag, options)}`;
  }
  // "Option '-o, --output <value>' argument missing" / "… argument is ambiguous": the value is missing.
  const valueMissing = /^Option '(?:-\w, )?(--[^' ]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(message);
  if (valueMissing) return `${valueMissing[1]} needs a value`;
  const noValue = /^Option '(?:-\w, )?(--[^' ]+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1]} takes no value`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `${command} takes no argument '${positional[1]}'`;
  // Anything else: Node's first sentence, which names the option.
  return message.split(/\.(\s|$)/)[0];
}

/** Options every command that loads a model accepts. */
const MODEL_OPTIONS = {
  resolution: { type: 'string' },
  classes: { type: 'string' },
  batch: { type: 'string' },
  width: { type: 'string' },
  knob: { type: 'string', multiple: true },
  'input-shape': { type: 'string', multiple: true },
  head: { type: 'string' },
  'head-knob': { type: 'string', multiple: true },
  form: { type: 'string' },
} as const;

/** Every command's options, so a mistyped one is matched against its own command and the others. */
const OPTIONS = {
  summary: { ...MODEL_OPTIONS, json: { type: 'boolean', default: false }, static: { type: 'boolean', default: false } },
  export: { ...MODEL_OPTIONS, output: { type: 'string', short: 'o' }, form: { type: 'string', default: 'deploy' }, seed: { type: 'string' } },
  profile: {
    ...MODEL_OPTIONS,
    threads: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    provider: { type: 'string', default: 'cpu' },
    opt: { type: 'string' },
    json: { type: 'boolean', default: false },
    'memory-limit-mb': { type: 'string' },
    isolated: { type: 'boolean', default: false },
  },
  predict: {
    ...MODEL_OPTIONS,
    device: { type: 'string' },
    'peak-gmacs': { type: 'string' },
    'bandwidth-gbs': { type: 'string' },
    dtype: { type: 'string' },
    refit: { type: 'boolean', default: false },
    static: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  run: { out: { type: 'string', short: 'o' }, kernel: { type: 'string', default: 'cpu' }, 'memory-limit-mb': { type: 'string' } },
  list: { json: { type: 'boolean', default: false }, heads: { type: 'boolean', default: false } },
} as const satisfies Record<Command, Record<string, OptionSpec>>;

/** `args` parsed as `command`'s options; a mistake is a UsageError that says what to type. */
export function parseCommandArgs<C extends Command>(command: C, args: string[]) {
  const options = OPTIONS[command] as (typeof OPTIONS)[C];
  return parseCommand(command, options, OPTIONS, (o) => parseArgs({ args, allowPositionals: command !== 'list', options: o }));
}

/** The values of the model options, as typed. */
export type ModelOptionValues = {
  resolution?: string;
  classes?: string;
  batch?: string;
  width?: string;
  knob?: string[];
  'input-shape'?: string[];
  head?: string;
  'head-knob'?: string[];
  form?: string;
};

/** --form: 'training' or 'deploy' ('inference', the earlier name of deploy, still read). */
export function formArg(value: string | undefined): ModelForm {
  const form = readForm(value);
  if (!form) throw new UsageError(`--form must be ${MODEL_FORMS.join(' or ')}, got '${value}'`);
  return form;
}

/**
 * The zoo form to build `target` in for an export in `form`: a re-parameterised zoo model is built
 * in that form; for any other model the form only decides whether BatchNorm is folded.
 */
export function zooForm(target: string, form: ModelForm): ModelForm | undefined {
  return findModel(target)?.forms ? form : undefined;
}

/** `ratio=0.5` → ['ratio', 0.5]; values may be numbers, true/false, JSON lists or words. */
export function parseKnob(text: string): [string, KnobValue] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--knob expects name=value, got '${text}'`);
  const name = text.slice(0, eq);
  const raw = text.slice(eq + 1).trim();
  if (raw === 'true' || raw === 'false') return [name, raw === 'true'];
  if (raw !== '' && Number.isFinite(Number(raw))) return [name, Number(raw)];
  if (raw.startsWith('[')) {
    try {
      return [name, JSON.parse(raw) as number[]];
    } catch {
      throw new UsageError(`--knob ${name}: '${raw}' is not a valid list (write e.g. [11,12])`);
    }
  }
  return [name, raw];
}

export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

export function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}

/** --memory-limit-mb: the activation-memory guard's limit (src/run/guard.ts), in bytes. */
export function memoryLimitBytes(value: string | undefined): number {
  return (positiveInt('memory-limit-mb', value) ?? DEFAULT_ACTIVATION_MEMORY_LIMIT_MB) * 2 ** 20;
}

/** --input-shape, repeatable: `1,3,640,640` for the one data input, `NAME=1,3,640,640` for a named one. */
export function cliInputShapes(given: readonly string[] | undefined): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const text of given ?? []) {
    let parsed: { name: string; shape: number[] };
    try {
      parsed = parseInputShape(text);
    } catch (e) {
      throw new UsageError(`--input-shape: ${(e as Error).message}`);
    }
    if (parsed.name in shapes) throw new UsageError(`--input-shape names ${parsed.name ? `input '${parsed.name}'` : 'the data input'} twice`);
    shapes[parsed.name] = parsed.shape;
  }
  return shapes;
}
