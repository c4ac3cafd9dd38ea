/**
 * `npm run bench`: the zoo's static cost speed, then every zoo id profiled on this machine (batch 1,
 * 2 threads), and — with --reference-dir — lcnb's export against the reference implementation's
 * own ONNX export of the same model (test/golden/reference/export_onnx.py), measured in one run.
 * Also the notebook's targets (model cell to first output, a profile cell, hover latency).
 * Writes bench/results.json and bench/results.md. Options: --runs N (default 30), --only PREFIX,
 * --reference-dir DIR, --opt LEVEL (default all), --skip-zoo (notebook targets only).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KernelClient } from '../kernels/client';
import { profileModel } from '../kernels/profileModel';
import { Optimization } from '../kernels/protocol';
import { exportOnnx } from '../src/onnx/writer';
import { formatSI } from '../src/shared/format';
import { buildModel, summarizeModel, zooModels } from '../src/zoo';
import { CellAnalysis } from '../src/notebook/languageCosts';
import { executeCell } from '../src/run/execute';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    only: { type: 'string', default: '' },
    'reference-dir': { type: 'string' },
    opt: { type: 'string', default: 'all' },
    'skip-zoo': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const optimization = values.opt as Optimization;
const THREADS = 2;
const root = join(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function zooCostTiming() {
  const ids = zooModels().map((m) => m.id);
  const totals: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (const id of ids) summarizeModel(id);
    totals.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { models: ids.length, best_ms: Math.min(...totals), median_ms: median(totals), target_ms: 500 };
}

/** The notebook's targets: model cell to first output, a 50-run profile cell, hover latency. */
async function notebookTargets(kernel: KernelClient) {
  const ctx = { provider: 'cpu', baseDir: tmpdir() };
  let start = process.hrtime.bigint();
  await executeCell('model: mobilenet_v3_small_x1_0', ctx);
  const modelCellMs = Number(process.hrtime.bigint() - start) / 1e6;
  await kernel.hello();
  start = process.hrtime.bigint();
  await executeCell('profile: mobilenet_v3_small_x1_0\nruns: 50', { ...ctx, kernel });
  const profileCellMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cell = 'network: n\ninput: [1, 3, 224, 224]\nlayers:\n  - conv: { out: 40, k: 4, s: 4 }\n  - fasternet_block: { ratio: 0.25, expand: 2 }\n    repeat: 2\n  - classifier: { classes: 1000 }';
  const offset = cell.indexOf('fasternet_block') + 3;
  const hovers: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    new CellAnalysis(`${cell}\n# ${i}`).hover(offset);
    hovers.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  hovers.sort((a, b) => a - b);
  return { model_cell_ms: modelCellMs, profile_cell_ms: profileCellMs, hover_p95_ms: hovers[Math.floor(hovers.length * 0.95)] };
}

async function main() {
  const bundled = join(root, 'dist', 'kernel.js');
  const kernel = existsSync(bundled) ? new KernelClient(bundled) : new KernelClient(join(root, 'kernels', 'main.ts'), { execArgv: ['--import', 'tsx'] });
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`;
  const zoo = zooCostTiming();
  console.log(`zoo: built and costed ${zoo.models} models in ${zoo.best_ms.toFixed(0)} ms (best of 5; target < 500 ms)`);

  const notebook = await notebookTargets(kernel);
  console.log(
    `notebook: model cell to first output ${notebook.model_cell_ms.toFixed(0)} ms (target < 1000), profile cell ${notebook.profile_cell_ms.toFixed(0)} ms (target < 5000), hover p95 ${notebook.hover_p95_ms.toFixed(2)} ms (target < 30)`,
  );

  const rows = [];
  for (const { id } of zooModels().filter((m) => !values['skip-zoo'] && m.id.startsWith(values.only))) {
    const graph = buildModel(id);
    const p = await profileModel(kernel, graph, { provider: 'cpu', threads: THREADS, runs, warmup: 10, optimization });
    const row = {
      id,
      params: p.totals.params,
      madds: p.totals.madds,
      median_ms: p.latency.median_ms,
      p90_ms: p.latency.p90_ms,
      achieved_gflops: p.achieved_gflops,
      coverage: p.coverage,
      profiled_vs_unprofiled: p.latency.profiled_vs_unprofiled,
      uncovered: p.uncovered.length,
    };
    rows.push(row);
    console.log(`${id.padEnd(26)} ${row.median_ms.toFixed(2).padStart(8)} ms  coverage ${(100 * row.coverage).toFixed(1)}%  profiled ×${row.profiled_vs_unprofiled.toFixed(2)}`);
  }

  const references = [];
  if (values['reference-dir'] && !values['skip-zoo']) {
    const dir = await mkdtemp(join(tmpdir(), 'lcnb-bench-'));
    for (const { id } of zooModels().filter((m) => m.id.startsWith(values.only))) {
      const reference = join(values['reference-dir'], `${id}.onnx`);
      if (!existsSync(reference)) continue;
      const ours = join(dir, `${id}.onnx`);
      await writeFile(ours, exportOnnx(buildModel(id), { form: 'inference' }).bytes);
      const time = async (modelPath: string) =>
        (await kernel.profile({ modelPath, provider: 'cpu', threads: THREADS, runs: 1, warmup: 5, optimization, baselineRuns: runs })).baseline?.medianMs ?? NaN;
      const lcnb: number[] = [];
      const ref: number[] = [];
      // Alternate the two so drifting machine load hits both alike.
      for (let round = 0; round < 3; round++) {
        lcnb.push(await time(ours));
        ref.push(await time(reference));
      }
      const entry = { id, lcnb_ms: median(lcnb), reference_ms: median(ref), ratio: median(lcnb) / median(ref) };
      references.push(entry);
      console.log(`${id.padEnd(26)} lcnb ${entry.lcnb_ms.toFixed(3)} ms  reference ${entry.reference_ms.toFixed(3)} ms  ratio ${entry.ratio.toFixed(3)}`);
    }
    await rm(dir, { recursive: true, force: true });
  }
  await kernel.dispose();

  const settings = `CPU provider, ${THREADS} threads, batch 1, 224×224, optimization '${optimization}', 10 warm-up + ${runs} timed runs, onnxruntime 1.30.0, ${machine}`;
  const md = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${settings}.`,
    '',
    `Static costs: all ${zoo.models} zoo models built and costed in ${zoo.best_ms.toFixed(0)} ms (best of 5 rounds; target < 500 ms).`,
    '',
    `Notebook: a model cell to its first output (static) ${notebook.model_cell_ms.toFixed(0)} ms (target < 1 s); a profile cell for mobilenet_v3_small_x1_0 with 50 runs ${notebook.profile_cell_ms.toFixed(0)} ms (target < 5 s, kernel process already started); layer-line hover p95 ${notebook.hover_p95_ms.toFixed(2)} ms over 200 hovers, each on a new version of the cell (target < 30 ms).`,
    '',
    '| model | params | MAdds | median ms | p90 ms | achieved GFLOPS | coverage | profiled ÷ unprofiled |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.id} | ${formatSI(r.params)} | ${formatSI(r.madds)} | ${r.median_ms.toFixed(2)} | ${r.p90_ms.toFixed(2)} | ${r.achieved_gflops.toFixed(1)} | ${(100 * r.coverage).toFixed(1)}% | ${r.profiled_vs_unprofiled.toFixed(2)} |`),
  ];
  if (references.length) {
    md.push('', '| model | lcnb export ms | reference export ms | lcnb ÷ reference |', '|---|---:|---:|---:|');
    md.push(...references.map((r) => `| ${r.id} | ${r.lcnb_ms.toFixed(3)} | ${r.reference_ms.toFixed(3)} | ${r.ratio.toFixed(3)} |`));
  }
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify({ settings, machine, zoo, notebook, rows, references }, null, 2) + '\n');
  writeFileSync(join(root, 'bench', 'results.md'), md.join('\n') + '\n');
  console.log(`\n${md.join('\n')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
