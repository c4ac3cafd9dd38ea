/**
 * Embeds vega-lite charts. Each chart is drawn once its box has a width (at once when visible,
 * when its section is opened otherwise), so charts in collapsed sections get their real width.
 */
import type { ChartEntry, ChartTheme, VegaLiteSpec } from './chart-base';
import { DEFAULT_THEME } from './chart-base';
import { Disposable, el } from '../shared/dom';

/** Draws `spec` into `container`; what it returns is disposed with the output. */
export type ChartEmbedder = (container: HTMLElement, spec: VegaLiteSpec) => Promise<Disposable>;

export const vegaEmbedder: ChartEmbedder = async (container, spec) => {
  const { default: embed } = await import('vega-embed');
  // ast: vega's expression interpreter instead of `new Function`, so charts draw under a strict CSP.
  const result = await embed(container, spec as Parameters<typeof embed>[1], { renderer: 'svg', actions: false, ast: true, tooltip: { theme: 'custom' } });
  return { dispose: () => result.finalize() };
};

/**
 * Chart colours as VS Code's theme variables: vega writes them into SVG attributes, where the
 * webview resolves them, so charts follow a theme switch without being drawn again.
 */
export const VSCODE_THEME: ChartTheme = {
  foreground: `var(--vscode-foreground, ${DEFAULT_THEME.foreground})`,
  muted: `var(--vscode-descriptionForeground, ${DEFAULT_THEME.muted})`,
  grid: `var(--vscode-editorWidget-border, ${DEFAULT_THEME.grid})`,
  font: 'var(--vscode-font-family, sans-serif)',
  roof: `var(--vscode-charts-red, ${DEFAULT_THEME.roof})`,
  category: [
    `var(--vscode-charts-blue, ${DEFAULT_THEME.category[0]})`,
    `var(--vscode-charts-yellow, ${DEFAULT_THEME.category[1]})`,
    `var(--vscode-charts-green, ${DEFAULT_THEME.category[2]})`,
    `var(--vscode-charts-red, ${DEFAULT_THEME.category[3]})`,
    `var(--vscode-charts-purple, ${DEFAULT_THEME.category[4]})`,
    `var(--vscode-charts-orange, ${DEFAULT_THEME.category[5]})`,
    ...DEFAULT_THEME.category.slice(6),
  ],
};

/**
 * The theme with the output's own font family in place of the CSS variable: vega sizes legends
 * and labels by measuring text in a canvas, which cannot resolve var(), and measured in its
 * default font the labels come out short of what the webview draws.
 */
export function withOutputFont(theme: ChartTheme, element: HTMLElement): ChartTheme {
  const family = element.ownerDocument.defaultView?.getComputedStyle(element).fontFamily;
  return family ? { ...theme, font: family } : theme;
}

export class ChartSet implements Disposable {
  private readonly disposables: Disposable[] = [];
  private readonly observer?: ResizeObserver;
  private readonly pending = new Map<Element, () => void>();
  private disposed = false;

  constructor(
    private readonly doc: Document,
    private readonly embedder: ChartEmbedder,
  ) {
    const view = doc.defaultView as (Window & typeof globalThis) | null;
    if (view && typeof view.ResizeObserver === 'function') {
      this.observer = new view.ResizeObserver((entries) => {
        for (const entry of entries) {
          if (entry.contentRect.width <= 0) continue;
          const draw = this.pending.get(entry.target);
          this.pending.delete(entry.target);
          this.observer?.unobserve(entry.target);
          draw?.();
        }
      });
    }
  }

  /** A container for each chart, drawn when visible. */
  add(parent: HTMLElement, charts: readonly ChartEntry[]): void {
    if (charts.length === 0) return;
    const grid = el(this.doc, 'div', undefined, 'lcnb-charts');
    for (const chart of charts) {
      const box = el(this.doc, 'div', undefined, 'lcnb-chart');
      box.dataset.kind = chart.kind;
      box.setAttribute('aria-label', chart.title);
      const draw = () => {
        this.embedder(box, chart.spec).then(
          (d) => (this.disposed ? d.dispose() : this.disposables.push(d)),
          (e: unknown) => box.replaceChildren(el(this.doc, 'p', `Could not draw “${chart.title}”: ${e instanceof Error ? e.message : String(e)}`, 'lcnb-error')),
        );
      };
      grid.append(box);
      if (this.observer) {
        this.pending.set(box, draw);
        this.observer.observe(box);
      } else {
        draw();
      }
    }
    parent.append(grid);
  }

  dispose(): void {
    this.disposed = true;
    this.observer?.disconnect();
    this.pending.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
