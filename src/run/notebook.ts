/**
 * Runs a whole notebook headless (`lcnb run`), with the same cell execution and the same output
 * items the VS Code kernels produce. Stops at the first failed cell, as Run All does.
 */
import { NotebookCellKind, NotebookCellOutput, NotebookDocumentData, LCNB_LANGUAGE } from '../notebookFile';
import { networkCells } from '../lang';
import { CellFailure, CellOutcome, executeCell, ExecutionContext } from './execute';
import { REPORT_MIME } from './reportTypes';

export const ERROR_MIME = 'application/vnd.code.notebook.error';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A cell's output items: the report for lcnb's renderer, markdown for everything else. */
export function outcomeItems(outcome: CellOutcome): { mime: string; data: Uint8Array }[] {
  return [
    { mime: REPORT_MIME, data: utf8(JSON.stringify(outcome.report)) },
    { mime: 'text/markdown', data: utf8(outcome.markdown) },
  ];
}

export function errorItems(error: Error): { mime: string; data: Uint8Array }[] {
  const internal = !(error instanceof CellFailure);
  return [{ mime: ERROR_MIME, data: utf8(JSON.stringify({ name: internal ? error.name : 'lcnb', message: error.message, stack: internal ? error.stack : undefined })) }];
}

export interface NotebookRun {
  readonly data: NotebookDocumentData;
  /** The failed cell (1-based index among all cells) and its error, if one failed. */
  readonly failure?: { readonly cell: number; readonly message: string };
  readonly executed: number;
}

export async function runNotebook(data: NotebookDocumentData, ctx: ExecutionContext, onCell?: (index: number, ms: number) => void): Promise<NotebookRun> {
  const cells = data.cells.map((c) => ({ ...c }));
  const lcnbCode = (c: (typeof cells)[number]) => c.kind === NotebookCellKind.Code && c.languageId === LCNB_LANGUAGE;
  const networks = networkCells(cells.filter(lcnbCode).map((c) => c.value));
  let order = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!lcnbCode(cell)) continue;
    const startTime = Date.now();
    let outputs: NotebookCellOutput[];
    let success = true;
    let failure: string | undefined;
    try {
      outputs = [{ items: outcomeItems(await executeCell(cell.value, { ...ctx, networks })) }];
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      success = false;
      failure = e.message;
      outputs = [{ items: errorItems(e) }];
    }
    const endTime = Date.now();
    cells[i] = { ...cell, outputs, executionSummary: { executionOrder: ++order, success, timing: { startTime, endTime } } };
    onCell?.(i + 1, endTime - startTime);
    if (failure !== undefined) return { data: { ...data, cells }, failure: { cell: i + 1, message: failure }, executed: order };
  }
  return { data: { ...data, cells }, executed: order };
}
