/**
 * What every chart spec of the report starts from: the theme, the frame (schema, size, wrapped
 * title and subtitle), legends below the plot, category colours and the measurement line.
 */
import type { ModelReport } from './report-types';
import { measuredWith } from './rows';

export type VegaLiteSpec = Record<string, unknown>;

export interface ChartTheme {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly font: string;
  readonly roof: string;
  /** Colours for categories (ops, series). */
  readonly category: readonly string[];
}

export const DEFAULT_THEME: ChartTheme = {
  foreground: '#cccccc',
  muted: '#9d9d9d',
  grid: 'rgba(128, 128, 128, 0.35)',
  font: 'sans-serif',
  roof: '#f14c4c',
  // Twelve: a profiled model has up to a dozen main ops, and each should have a colour of its own.
  category: ['#3794ff', '#cca700', '#89d185', '#f14c4c', '#b180d7', '#d18616', '#4ec9b0', '#e0e0e0', '#f06292', '#a1887f', '#7986cb', '#c0ca33'],
};

export interface ChartEntry {
  /** Stable identifier of the chart kind, for tests and the e2e suite. */
  readonly kind: 'latency-bars' | 'madds-latency' | 'roofline' | 'pareto-latency' | 'pareto-madds' | 'sweep-madds' | 'sweep-latency' | 'split-madds' | 'split-latency' | 'predicted-ridge';
  readonly title: string;
  readonly spec: VegaLiteSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const HEIGHT = 240;
/** Legend labels are op names ("GlobalAveragePool", "BatchNormalization"), longer than vega's 160 px default allows in VS Code's font. */
const LEGEND_LABEL_LIMIT = 280;
/**
 * Legends sit below the plot, in as many columns as fit the narrowest chart (the grid's 420 px
 * less the padding): a legend on the right is sized by vega's text measure, which can be a few
 * pixels short of the webview's font, and cuts the last letters at the chart's edge.
 */
const LEGEND_WIDTH = 380;
/** Generous width of one legend label character at vega's 10 px legend font. */
const LEGEND_CHAR_W = 7;
const LEGEND_SYMBOL_W = 30;

/** A legend below the plot whose columns are wide enough for its longest label. */
export function bottomLegend(title: string | null, labels: readonly string[]): Record<string, unknown> {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const columnWidth = longest * LEGEND_CHAR_W + LEGEND_SYMBOL_W;
  const columns = Math.max(1, Math.min(labels.length, Math.floor(LEGEND_WIDTH / columnWidth)));
  return { title, orient: 'bottom', direction: 'horizontal', columns, labelLimit: LEGEND_LABEL_LIMIT, symbolLimit: 0 };
}

export function cycled(domain: readonly string[], colours: readonly string[]): string[] {
  return domain.map((_, i) => colours[i % colours.length]);
}

function config(theme: ChartTheme): Record<string, unknown> {
  const axis = { labelColor: theme.muted, titleColor: theme.foreground, gridColor: theme.grid, domainColor: theme.grid, tickColor: theme.grid, titleFontWeight: 'normal' };
  return {
    background: 'transparent',
    font: theme.font,
    view: { stroke: null },
    axis,
    legend: { labelColor: theme.muted, titleColor: theme.foreground, titleFontWeight: 'normal', labelLimit: LEGEND_LABEL_LIMIT, orient: 'bottom' },
    title: { color: theme.foreground, subtitleColor: theme.muted, anchor: 'start', fontWeight: 'normal', fontSize: 13, subtitleFontSize: 11 },
    range: { category: [...theme.category] },
    text: { color: theme.foreground },
  };
}

/**
 * Title lines longer than the chart would push the plot aside (vega fits the title into the
 * width), so titles and subtitles are wrapped to what a 420 px chart holds.
 */
export function base(theme: ChartTheme, title: string, subtitle: string | string[]): VegaLiteSpec {
  const text = wrapLine(title, TITLE_CHARS);
  const sub = (Array.isArray(subtitle) ? subtitle : [subtitle]).flatMap((line) => wrapLine(line, SUBTITLE_CHARS));
  return {
    $schema: SCHEMA,
    width: 'container',
    height: HEIGHT,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: config(theme),
    title: { text: text.length === 1 ? text[0] : text, subtitle: sub.length === 1 ? sub[0] : sub },
  };
}

const TITLE_CHARS = 44;
const SUBTITLE_CHARS = 52;

/** Splits a long line at spaces so no line passes `max` characters (a word longer than that keeps its own line). */
export function wrapLine(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function settingsLine(model: ModelReport): string {
  return `measured here: ${measuredWith(model)}`;
}
