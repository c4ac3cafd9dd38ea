/**
 * Messages between the extension and the notebook renderer (types only, shared by both sides).
 * The renderer asks for the display settings when it starts; the extension answers, and sends
 * them again whenever a setting changes, so a saved report renders with the reader's settings.
 */

/** Which count leads where only one fits (setting lcnb.headlineFlops). */
export type HeadlineCount = 'madds' | 'flops';

/** Renderer → extension: "send me the display settings". */
export interface RendererSettingsRequest {
  readonly type: 'lcnb.settings?';
}

/** Extension → renderer: the display settings now. */
export interface RendererSettings {
  readonly type: 'lcnb.settings';
  readonly headlineFlops: HeadlineCount;
}
