/** The notebook cell status bar's text: one model's counts or latency, several models' ranges. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { report } from '../../../src/run/buildReport';
import { formatSI } from '../../../src/shared/format';
import { compareReport, zooReport } from '../support/renderer-fixtures';
import { installVscodeStub } from '../support/safety-vscode';

installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { statusBarContent } = require('../../../src/notebook/cellStatusBar') as typeof import('../../../src/notebook/cellStatusBar');

describe('cell status bar', () => {
  it("one model: its params and the headline count; the tooltip says what the count means", () => {
    const content = statusBarContent(report('model', 'fasternet_t0', [zooReport('fasternet_t0')]), 'madds');
    assert.equal(content?.text, '$(symbol-number) 3.91M params · 335.4M MAdds');
    assert.match(content!.tooltip, /^MAdds = multiply-adds/);
    const t0 = zooReport('fasternet_t0');
    assert.equal(statusBarContent(report('model', 'fasternet_t0', [t0]), 'flops')?.text, `$(symbol-number) 3.91M params · ${formatSI(t0.summary.totals.flops)} FLOPs`);
  });

  it('a compare cell: how many models, the range of each count, and every model in the tooltip', () => {
    const content = statusBarContent(compareReport(false), 'madds')!;
    // mobilenet_v3_small_x1_0 2.54M / 56.51M … fasternet_t0 3.91M / 335.4M; ghostnet_x1_0 has the most params (5.18M).
    assert.equal(content.text, '$(symbol-number) 5 models · 2.28M–5.18M params · 56.51M–335.4M MAdds');
    const lines = content.tooltip.split('\n');
    assert.deepEqual(lines.slice(0, 5).map((l) => l.split(':')[0]), ['mobilenet_v3_small_x1_0', 'shufflenet_v2_x1_0', 'ghostnet_x1_0', 'pplcnet_x1_0', 'fasternet_t0']);
    assert.equal(lines[4], 'fasternet_t0: 3.91M params, 335.4M MAdds');
  });

  it('measured: provider, threads (singular for one) and the median; a compare gives the range of medians', () => {
    const one = zooReport('mobilenet_v3_small_x1_0', { profiled: true });
    const oneThread = { ...one, profile: { ...one.profile!, settings: { ...one.profile!.settings, threads: 1 } } };
    const single = statusBarContent(report('profile', 'm', [oneThread]), 'madds')!;
    assert.match(single.text, /^\$\(dashboard\) cpu · 1 thread · \d+\.\d{3} ms median$/);
    assert.match(single.tooltip, /^cpu, 1 thread, onnxruntime /);
    const several = statusBarContent(compareReport(true), 'madds')!;
    const medians = compareReport(true).models.map((m) => m.profile!.latency.median_ms);
    const threads = compareReport(true).models[0].profile!.settings.threads;
    assert.equal(
      several.text,
      `$(dashboard) cpu · ${threads} thread${threads === 1 ? '' : 's'} · 5 models · ${Math.min(...medians).toFixed(3)}–${Math.max(...medians).toFixed(3)} ms median`,
    );
    assert.equal(several.tooltip.split('\n').length, 6, 'settings, then one line per model');
  });

  it('nothing for a cell without models (a sweep) or without a report', () => {
    assert.equal(statusBarContent(undefined, 'madds'), undefined);
    assert.equal(statusBarContent(report('sweep', 's', []), 'madds'), undefined);
  });
});
