/**
 * Webview side of the model summary panel: totals, published figures, per-stage and per-layer
 * tables, built from the sortable table and element helpers the report view uses.
 */
import type { ModelSummary, PublishedFigure } from '../../src/core/summary';
import { formatBytes, formatCount, formatShape, formatSI } from '../../src/shared/format';
import type { Column } from '../shared/columns';
import { el as element } from '../shared/dom';
import { camelCaseBreak, sortableTable } from '../shared/table';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  return element(document, tag, text, className);
}

/**
 * A sortable table in a box that scrolls sideways only when the panel is too narrow even with the
 * names wrapped.
 */
function tableBox<Row>(rows: readonly Row[], columns: readonly Column<Row>[], caption: string, className = 'table-box'): HTMLDivElement {
  const box = el('div', undefined, className);
  box.append(sortableTable(document, rows, columns, caption));
  return box;
}

function publishedText(p: PublishedFigure): string {
  switch (p.metric) {
    case 'params':
      return `params ${formatSI(p.value)}`;
    case 'madds':
      return `MAdds ${formatSI(p.value)}`;
    case 'top1':
      return `ImageNet top-1 ${p.value}%`;
    case 'map':
      return `COCO mAP ${p.value}`;
    case 'miou':
      return `mIoU ${p.value}%`;
    case 'latency_ms':
      return `latency ${p.value} ms${p.settings ? ` (${p.settings})` : ''}`;
  }
}

function render(summary: ModelSummary, root: HTMLElement): void {
  const t = summary.totals;
  root.append(el('h1', summary.id));
  root.append(el('p', `input ${formatShape(summary.input)} → output ${formatShape(summary.output)}`, 'muted'));

  const totals = el('table', undefined, 'totals');
  totals.append(el('caption', 'Computed by lcnb'));
  const totalRows: [string, string, string][] = [
    ['Params', formatCount(t.params), 'trainable, BN γ/β included'],
    ['MAdds', `${formatCount(t.madds)} (${formatSI(t.madds)})`, 'multiply-adds: what the papers call FLOPs'],
    ['FLOPs', `${formatCount(t.flops)} (${formatSI(t.flops)})`, '2 × MAdds + bias and elementwise work'],
    ['MAC', `${formatCount(t.mac_elements)} elements · ${formatBytes(t.mac_bytes)}`, `memory access cost: activations in + out + weights, ${summary.bytes_rule ?? `${summary.bytes_per_element} B/element`}`],
    ['Arithmetic intensity', `${t.intensity.toFixed(2)} FLOPs/byte`, 'FLOPs / MAC bytes'],
  ];
  for (const [name, value, note] of totalRows) {
    const tr = el('tr');
    tr.append(el('th', name), el('td', value, 'num'), el('td', note, 'muted'));
    totals.append(tr);
  }
  root.append(totals);

  if (summary.published.length) {
    const section = el('section', undefined, 'published');
    section.append(el('h2', 'Published (reported by the paper, not computed here)'));
    const list = el('ul');
    for (const p of summary.published) {
      const item = el('li', publishedText(p));
      item.append(el('span', ` — ${p.source}`, 'muted'));
      list.append(item);
    }
    section.append(list);
    root.append(section);
  }

  root.append(
    tableBox(
      summary.scopes,
      [
        { header: 'Stage', value: (s) => s.scope || '(top level)', wrapAfter: '._/' },
        { header: 'Layers', value: (s) => s.layers },
        { header: 'Params', value: (s) => s.params },
        { header: 'MAdds', value: (s) => s.madds },
        { header: 'FLOPs', value: (s) => s.flops },
        { header: 'MAC (elements)', value: (s) => s.mac_elements },
        { header: 'Share of MAdds', value: (s) => (t.madds ? s.madds / t.madds : 0), text: (s) => `${((100 * s.madds) / (t.madds || 1)).toFixed(1)}%` },
      ],
      'Per stage',
    ),
  );

  root.append(
    tableBox(
      summary.layers,
      [
        { header: 'Layer', value: (l) => l.name, wrapAfter: '._/' },
        { header: 'Op', value: (l) => l.op, wrapAfter: camelCaseBreak },
        { header: 'Output', value: (l) => formatShape(l.output), text: (l) => l.output.join('×'), wrapAfter: '×' },
        { header: 'Params', value: (l) => l.params },
        // Short counts (exact on hover, and in the totals above) leave the names room in a narrow panel.
        { header: 'MAdds', value: (l) => l.madds, text: (l) => formatSI(l.madds), cellTitle: (l) => formatCount(l.madds) },
        { header: 'FLOPs', value: (l) => l.flops, text: (l) => formatSI(l.flops), cellTitle: (l) => formatCount(l.flops) },
        { header: 'MAC (elements)', value: (l) => l.mac_elements, text: (l) => formatSI(l.mac_elements), cellTitle: (l) => formatCount(l.mac_elements) },
        { header: 'Intensity (FLOPs/B)', value: (l) => l.intensity, text: (l) => l.intensity.toFixed(2) },
      ],
      'Per layer (click a header to sort)',
      'table-box layers-box',
    ),
  );

  root.append(
    el(
      'p',
      summary.uncounted.length
        ? `Uncounted ops (unknown to the cost model, not in the totals): ${summary.uncounted.map((u) => `${u.name} (${u.op})`).join(', ')}`
        : 'Uncounted ops: none — every op is in the totals.',
      summary.uncounted.length ? 'warning' : 'muted',
    ),
  );
}

const data = document.getElementById('lcnb-summary');
const root = document.getElementById('root');
if (data && root) {
  try {
    render(JSON.parse(data.textContent ?? '') as ModelSummary, root);
  } catch (e) {
    root.append(el('p', `lcnb could not show this summary: ${(e as Error).message}`, 'warning'));
  }
}
