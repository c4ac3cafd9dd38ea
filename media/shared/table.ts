/** A table whose columns sort on click or Enter: numbers descending first, text ascending. */
import { formatCount } from '../../src/shared/format';
import { Column, sortRows, WrapAfter } from './columns';
import { el } from './dom';

/** How long a row or diagram box that was clicked to be revealed stays marked. */
export const REVEAL_MARK_MS = 2000;

/** What a click on a body row (or Enter on a focused one) does, and the row's tooltip saying so. */
export interface RowAction<Row> {
  readonly title: string;
  run(row: Row, tr: HTMLTableRowElement): void;
}

/** Makes `tr` a focusable button-like row; a click that ends a text selection does nothing. */
function actionRow<Row>(doc: Document, tr: HTMLTableRowElement, row: Row, action: RowAction<Row>): void {
  tr.classList.add('lcnb-row-action');
  tr.tabIndex = 0;
  tr.title = action.title;
  const run = () => {
    tr.classList.add('lcnb-row-revealed');
    setTimeout(() => tr.classList.remove('lcnb-row-revealed'), REVEAL_MARK_MS);
    action.run(row, tr);
  };
  tr.addEventListener('click', () => {
    if (doc.getSelection?.()?.toString()) return; // the click ended a text selection
    run();
  });
  tr.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.target !== tr) return;
    e.preventDefault();
    run();
  });
}

export function sortableTable<Row>(doc: Document, rows: readonly Row[], columns: readonly Column<Row>[], caption: string, className = 'lcnb-table', rowAction?: RowAction<Row>): HTMLTableElement {
  const table = el(doc, 'table', undefined, className);
  table.append(el(doc, 'caption', caption));
  const head = el(doc, 'thead');
  const headRow = el(doc, 'tr');
  const body = el(doc, 'tbody');
  const numeric = columns.map((c) => rows.some((r) => typeof c.value(r) === 'number'));
  let sortIndex = -1;
  let descending = true;

  const render = () => {
    const sorted = sortIndex >= 0 ? sortRows(rows, columns[sortIndex].value, descending) : rows;
    body.replaceChildren(
      ...sorted.map((row) => {
        const tr = el(doc, 'tr');
        columns.forEach((column, i) => {
          const v = column.value(row);
          const text = column.text ? column.text(row) : v === undefined ? '—' : typeof v === 'number' ? formatCount(v) : v;
          const td = el(doc, 'td', undefined, [numeric[i] ? 'num' : '', column.wrapAfter ? 'lcnb-wrap' : ''].join(' ').trim() || undefined);
          appendWrappable(doc, td, text, column.wrapAfter);
          const detail = column.detail?.(row);
          if (detail) {
            const span = el(doc, 'span', undefined, 'lcnb-detail');
            appendWrappable(doc, span, detail, camelCaseBreak);
            td.append(span);
          }
          if (column.cellTitle) td.title = column.cellTitle(row);
          tr.append(td);
        });
        if (rowAction) actionRow(doc, tr, row, rowAction);
        return tr;
      }),
    );
  };

  // Columns that share a group get a header cell spanning them, in a row above their own.
  if (columns.some((c) => c.group !== undefined)) {
    const groupRow = el(doc, 'tr', undefined, 'lcnb-group-row');
    for (let i = 0; i < columns.length; ) {
      let span = 1;
      while (i + span < columns.length && columns[i + span].group === columns[i].group) span++;
      const th = el(doc, 'th', columns[i].group ?? '', columns[i].group ? 'lcnb-group' : undefined);
      th.colSpan = span;
      th.setAttribute('scope', 'colgroup');
      groupRow.append(th);
      i += span;
    }
    head.append(groupRow);
  }

  columns.forEach((column, i) => {
    // A number column's header is marked like its cells, so a page may align the two alike.
    const th = el(doc, 'th', column.header, [numeric[i] ? 'num' : '', column.group ? 'lcnb-in-group' : ''].join(' ').trim() || undefined);
    th.tabIndex = 0;
    th.title = column.title ? `${column.title} — click to sort` : 'Click to sort';
    th.setAttribute('scope', 'col');
    const sort = () => {
      descending = sortIndex === i ? !descending : numeric[i];
      sortIndex = i;
      headRow.querySelectorAll('th').forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      render();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        sort();
      }
    });
    headRow.append(th);
  });
  head.append(headRow);
  table.append(head, body);
  render();
  return table;
}

/** Between the words of a CamelCase name (an ONNX op: Batch|Normalization, Global|Average|Pool). */
export function camelCaseBreak(text: string, i: number): boolean {
  return /[a-z]/.test(text[i]) && /[A-Z]/.test(text[i + 1] ?? '');
}

/**
 * `text` as text nodes, with a <wbr> after each of the `wrapAfter` characters (or wherever the
 * function says): a line may break there, and copying the cell still gives the text unchanged.
 */
export function appendWrappable(doc: Document, parent: HTMLElement, text: string, wrapAfter?: WrapAfter): void {
  if (!wrapAfter) {
    parent.textContent = text;
    return;
  }
  const breaksAfter = typeof wrapAfter === 'string' ? (t: string, i: number) => wrapAfter.includes(t[i]) : wrapAfter;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!breaksAfter(text, i) || i === text.length - 1) continue;
    parent.append(doc.createTextNode(text.slice(start, i + 1)), doc.createElement('wbr'));
    start = i + 1;
  }
  if (start < text.length) parent.append(doc.createTextNode(text.slice(start)));
}

/** A two-column table of labelled values (totals, settings). */
export function keyValueTable(doc: Document, rows: readonly (readonly [string, string, string?])[], caption: string, className = 'lcnb-kv'): HTMLTableElement {
  const table = el(doc, 'table', undefined, className);
  table.append(el(doc, 'caption', caption));
  const body = el(doc, 'tbody');
  for (const [key, value, title] of rows) {
    const tr = el(doc, 'tr');
    const th = el(doc, 'th', key);
    th.setAttribute('scope', 'row');
    if (title) th.title = title;
    tr.append(th, el(doc, 'td', value));
    body.append(tr);
  }
  table.append(body);
  return table;
}
