/**
 * Messages between the extension and the notebook renderer (types only, shared by both sides).
 * The renderer asks for the display settings when it starts; the extension answers, and sends
 * them again whenever a setting changes, so a saved report renders with the reader's settings.
 * A click on a layer row asks the extension to show the row's line in the cell; the header's
 * button asks for the report in an editor tab, whose page (the same renderer code) talks to the
 * extension with the ReportTab messages.
 */
import type { Headline } from '../shared/measureSettings';

/** Renderer → extension: "send me the display settings". */
export interface RendererSettingsRequest {
  readonly type: 'lcnb.settings?';
}

/** Extension → renderer: the display settings now. */
export interface RendererSettings {
  readonly type: 'lcnb.settings';
  readonly headlineFlops: Headline;
}

/** Renderer → extension: a layer row of the report in output `outputId` was clicked; show its line in the cell. */
export interface RendererRevealRow {
  readonly type: 'lcnb.revealRow';
  readonly outputId: string;
  /** Which of the report's models (0-based). */
  readonly model: number;
  /** The layer's scope path, joined with '.'. */
  readonly scope: string;
}

/** Renderer → extension: open the report in output `outputId` in an editor tab. */
export interface RendererOpenInTab {
  readonly type: 'lcnb.openInTab';
  readonly outputId: string;
}

export type RendererRequest = RendererSettingsRequest | RendererRevealRow | RendererOpenInTab;

/** Report tab page → extension. */
export type ReportTabRequest = { readonly type: 'ready' } | { readonly type: 'revealRow'; readonly model: number; readonly scope: string };

/** Extension → report tab page: the report to show (again, after a re-run or a settings change). */
export interface ReportTabUpdate {
  readonly type: 'report';
  readonly report: unknown;
  readonly headlineFlops: Headline;
  /** Shown above the report when set (the cell's output was cleared, the cell was deleted). */
  readonly note?: string;
}
