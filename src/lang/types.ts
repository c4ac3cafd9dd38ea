/** Positions, ranges and diagnostics of the cell language, 0-based like the Language Server Protocol. */

export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 code unit within the line. */
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly message: string;
  readonly severity: Severity;
  readonly range: Range;
}

/** A mistake in a cell that is found while building or running it, with where it is. */
export class CellError extends Error {
  constructor(
    message: string,
    readonly range: Range,
  ) {
    super(`line ${range.start.line + 1}, column ${range.start.character + 1}: ${message}`);
    this.name = 'CellError';
  }

  /** The message without its "line …, column …:" prefix, for editors that show the range themselves. */
  get reason(): string {
    return this.message.replace(/^line \d+, column \d+: /, '');
  }

  toDiagnostic(): Diagnostic {
    return { message: this.reason, severity: 'error', range: this.range };
  }
}
