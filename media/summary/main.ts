/** Webview side of the model summary panel: totals, published figures, per-stage and per-layer tables. */
import type { ModelSummary, PublishedFigure } from '../../src/core/summary';
import { formatBytes, formatCount, formatShape, formatSI } from '../../src/shared/format';

type Cell = string | number;

interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  /** Shown text; defaults to the value, with counts grouped by thousands. */
  text?: (row: Row) => string;
  /** Where a long text may break: after these characters, or where the function says. */
  wrapAfter?: string | ((text: string, i: number) => boolean);
}

/** Between the words of a CamelCase op name: Batch|Normalization, Global|Average|Pool. */
function camelCaseBreak(text: string, i: number): boolean {
  return /[a-z]/.test(text[i]) && /[A-Z]/.test(text[i + 1] ?? '');
}

/** A cell whose text may break only where `wrapAfter` allows (a <wbr>), never inside a word. */
function wrappableCell(text: string, wrapAfter: NonNullable<Column<unknown>['wrapAfter']>): HTMLTableCellElement {
  const td = el('td', undefined, 'wrap');
  const breaksAfter = typeof wrapAfter === 'string' ? (t: string, i: number) => wrapAfter.includes(t[i]) : wrapAfter;
  let start = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (!breaksAfter(text, i)) continue;
    td.append(document.createTextNode(text.slice(start, i + 1)), document.createElement('wbr'));
    start = i + 1;
  }
  td.append(document.createTextNode(text.slice(start)));
  return td;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * A table whose columns sort on click (numbers descending first, text ascending), in a box that
 * scrolls sideways only when the panel is too narrow even with the names wrapped.
 */
function sortableTable<Row>(rows: Row[], columns: Column<Row>[], caption: string, className = 'table-box'): HTMLDivElement {
  const box = el('div', undefined, className);
  const table = el('table');
  box.append(table);
  table.append(el('caption', caption));
  const head = el('thead');
  const headRow = el('tr');
  const body = el('tbody');
  let sortIndex = -1;
  let descending = true;
  const render = () => {
    const sorted = [...rows];
    if (sortIndex >= 0) {
      const value = columns[sortIndex].value;
      sorted.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
    }
    body.replaceChildren(
      ...sorted.map((row) => {
        const tr = el('tr');
        for (const column of columns) {
          const v = column.value(row);
          const text = column.text ? column.text(row) : typeof v === 'number' ? formatCount(v) : v;
          const td = column.wrapAfter ? wrappableCell(text, column.wrapAfter) : el('td', text, typeof v === 'number' ? 'num' : undefined);
          // A count shown short (5.42M) keeps its exact value on hover.
          if (column.text && typeof v === 'number' && Number.isInteger(v)) td.title = formatCount(v);
          tr.append(td);
        }
        return tr;
      }),
    );
  };
  columns.forEach((column, i) => {
    const th = el('th', column.header, rows.length && typeof column.value(rows[0]) === 'number' ? 'num' : undefined);
    th.tabIndex = 0;
    th.title = 'Sort by this column';
    const sort = () => {
      descending = sortIndex === i ? !descending : typeof column.value(rows[0]) === 'number';
      sortIndex = i;
      headRow.querySelectorAll('th').forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      render();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && sort());
    headRow.append(th);
  });
  head.append(headRow);
  table.append(head, body);
  render();
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
    sortableTable(
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
    sortableTable(
      summary.layers,
      [
        { header: 'Layer', value: (l) => l.name, wrapAfter: '._/' },
        { header: 'Op', value: (l) => l.op, wrapAfter: camelCaseBreak },
        { header: 'Output', value: (l) => formatShape(l.output), text: (l) => l.output.join('×'), wrapAfter: '×' },
        { header: 'Params', value: (l) => l.params },
        // Short counts (exact on hover, and in the totals above) leave the names room in a narrow panel.
        { header: 'MAdds', value: (l) => l.madds, text: (l) => formatSI(l.madds) },
        { header: 'FLOPs', value: (l) => l.flops, text: (l) => formatSI(l.flops) },
        { header: 'MAC (elements)', value: (l) => l.mac_elements, text: (l) => formatSI(l.mac_elements) },
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
