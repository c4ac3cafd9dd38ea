/**
 * `npm run fuzz -- --cases 10000 --seconds 900 --seed 1 [--format lcnb|onnx|all] [--no-save] [--json out.json]`
 *
 * Mutates valid .lcnb and .onnx files and runs each case in a worker process with a time and memory
 * limit (test/fuzz/harness.ts). Every finding — an unclear error, a slow case, a hang, a crash or
 * runaway memory — is printed and kept in test/fuzz/corpus/, which the unit tests replay.
 * --cases and --seconds apply to each format; exit code 1 when anything was found.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CPU_LIMIT_MS, fuzz, FuzzStats, HANG_MS, HEAP_LIMIT_MB, MEMORY_LIMIT_MB, saveToCorpus } from '../test/fuzz/harness';
import { Format, FORMATS } from '../test/fuzz/targets';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '900' },
    seed: { type: 'string', default: '1' },
    format: { type: 'string', default: 'all' },
    'no-save': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const cases = Number(values.cases);
const seconds = Number(values.seconds);
const seed = Number(values.seed);
if (![cases, seconds, seed].every((n) => Number.isInteger(n) && n >= 0)) {
  process.stderr.write('fuzz: --cases, --seconds and --seed take non-negative integers\n');
  process.exit(2);
}
if (values.format !== 'all' && !FORMATS.includes(values.format as Format)) {
  process.stderr.write(`fuzz: --format must be lcnb, onnx or all, got '${values.format}'\n`);
  process.exit(2);
}
const formats = values.format === 'all' ? FORMATS : [values.format as Format];

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

async function main(): Promise<void> {
  process.stdout.write(`fuzz: seed ${seed}, up to ${cases} cases and ${seconds} s per format; limits ${CPU_LIMIT_MS} ms CPU per case, hang after ${HANG_MS} ms, heap ${HEAP_LIMIT_MB} MB, peak memory ${MEMORY_LIMIT_MB} MB\n`);
  const all: FuzzStats[] = [];
  for (const format of formats) {
    const stats = await fuzz({
      format,
      cases,
      seed,
      seconds,
      onFinding: (f) => {
        const file = values['no-save'] ? '' : ` → test/fuzz/corpus/${saveToCorpus(f)}`;
        process.stdout.write(`  ${format} case ${f.index} ${f.kind}: ${f.message.slice(0, 400)}\n    (${f.what})${file}\n`);
      },
      onProgress: (s) => process.stdout.write(`  ${format}: ${s.cases} cases, ${s.findings.length} findings, ${s.seconds.toFixed(0)} s\n`),
    });
    all.push(stats);
  }
  process.stdout.write('\nformat  cases   valid  clear errors  unclear  slow  hangs  crashes  memory  CPU p50/p99/max ms  time s\n');
  for (const s of all) {
    const count = (kind: string) => s.findings.filter((f) => f.kind === kind).length;
    const sorted = [...s.cpuMs].sort((a, b) => a - b);
    const cpu = `${quantile(sorted, 0.5).toFixed(1)}/${quantile(sorted, 0.99).toFixed(0)}/${s.maxCpuMs.toFixed(0)}`;
    process.stdout.write(
      `${s.format.padEnd(6)}  ${String(s.cases).padStart(5)}  ${String(s.ok).padStart(6)}  ${String(s.errors).padStart(12)}  ${String(count('unclear')).padStart(7)}  ${String(count('slow')).padStart(4)}  ${String(count('hang')).padStart(5)}  ${String(count('crash')).padStart(7)}  ${String(count('memory')).padStart(6)}  ${cpu.padStart(18)}  ${s.seconds.toFixed(0).padStart(6)}\n`,
    );
  }
  if (values.json) {
    const summary = all.map(({ cpuMs, findings, ...rest }) => ({ ...rest, p50CpuMs: quantile([...cpuMs].sort((a, b) => a - b), 0.5), p99CpuMs: quantile([...cpuMs].sort((a, b) => a - b), 0.99), findings: findings.map(({ bytes: _, ...f }) => f) }));
    writeFileSync(values.json, `${JSON.stringify(summary, null, 1)}\n`);
  }
  if (all.some((s) => s.findings.length)) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
