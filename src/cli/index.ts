/**
 * The headless `lcnb` command: dispatch and exit codes. User mistakes end as one line on stderr
 * and exit code 1; a malformed command line exits 2 and adds that command's usage (args.ts); only
 * an internal fault prints a stack trace. One file per command beside this one; model loading and
 * measuring are src/run's, shared with the notebook kernels.
 */
import { isUserFacing } from '../core/errors';
import { didYouMean } from '../lang/suggest';
import { headAliasNote } from '../zoo/heads/index';
import { version } from '../../package.json';
import { Command, COMMANDS, commandUsage, usageHint, USAGE, UsageError } from './args';
import { exportCommand } from './export';
import { listCommand } from './list';
import { predictCommand } from './predict';
import { profileCommand } from './profile';
import { runCommand } from './run';
import { summaryCommand } from './summary';

/** `lcnb <command> --help` (or -h) before any `--`: that command's usage instead of running it. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** `--head <id>` or `--head=<id>` in `args`, before any `--`. */
function headArg(args: string[]): string | undefined {
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  const i = own.indexOf('--head');
  if (i >= 0) return own[i + 1];
  return own.find((a) => a.startsWith('--head='))?.slice('--head='.length);
}

const isCommand = (word: string | undefined): word is Command => (COMMANDS as readonly (string | undefined)[]).includes(word);

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (isCommand(command) && asksForHelp(rest)) {
      out.write(commandUsage(command) + '\n');
      return 0;
    }
    // A former head id still builds, with a line on stderr saying what it is now.
    const former = headAliasNote(headArg(rest) ?? '');
    if (former && (command === 'summary' || command === 'profile' || command === 'predict')) err.write(`lcnb: note: ${former}\n`);
    switch (command) {
      case 'summary':
        out.write(await summaryCommand(rest));
        return 0;
      case 'export':
        out.write(await exportCommand(rest));
        return 0;
      case 'profile':
        out.write(await profileCommand(rest, err));
        return 0;
      case 'predict':
        out.write(await predictCommand(rest, err));
        return 0;
      case 'run':
        out.write(await runCommand(rest, err));
        return 0;
      case 'list':
        out.write(listCommand(rest));
        return 0;
      case '--version':
      case '-v':
        out.write(`lcnb ${version}\n`);
        return 0;
      case 'help':
        out.write((isCommand(rest[0]) ? commandUsage(rest[0]) : USAGE) + '\n');
        return 0;
      case undefined:
      case '--help':
      case '-h':
        out.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'${didYouMean(command, COMMANDS)}`);
    }
  } catch (e) {
    if (isUserFacing(e)) {
      err.write(`lcnb: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      err.write(`lcnb: ${e.message}\n${usageHint(e.command ?? (isCommand(command) ? command : undefined))}\n`);
      return 2;
    }
    err.write(`lcnb: internal error (please report): ${(e as Error).stack ?? e}\n`);
    return 70;
  }
}
