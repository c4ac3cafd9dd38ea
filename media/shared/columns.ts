/** The columns of a sortable table and how its rows sort. Pure, so tests run it without a DOM. */
export type SortValue = number | string | undefined;

/** Where a cell's text may break: after any of these characters, or where the function says. */
export type WrapAfter = string | ((text: string, i: number) => boolean);

export interface Column<Row> {
  /** Header text, with the unit. */
  readonly header: string;
  /** Longer explanation shown on hover. */
  readonly title?: string;
  readonly value: (row: Row) => SortValue;
  /** Shown text; defaults to the value. */
  readonly text?: (row: Row) => string;
  /** Hover text of a cell. */
  readonly cellTitle?: (row: Row) => string;
  /**
   * A second, related value shown muted on its own line below the cell's text (a layer's op, a
   * time's share): one column instead of two, where sorting by the first says it all.
   */
  readonly detail?: (row: Row) => string | undefined;
  /** A heading over this column and its neighbours with the same group. */
  readonly group?: string;
  /**
   * Characters after which a long cell may wrap (layer names at '/' and '.', shapes after '→'), or
   * a function saying where (between the words of an op name), so a wide table narrows to the view
   * instead of scrolling sideways.
   */
  readonly wrapAfter?: WrapAfter;
}

/** Numbers compare as numbers, text as text; rows without a value go last in either direction. */
export function sortRows<Row>(rows: readonly Row[], value: (row: Row) => SortValue, descending: boolean): Row[] {
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return descending ? -order : order;
  });
}
