/** lcnb's notebook renderer for `application/vnd.lcnb.report+json` outputs. */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { DEFAULT_HEADLINE, Headline } from '../../src/shared/measureSettings';
import type { RendererOpenInTab, RendererRevealRow, RendererSettings, RendererSettingsRequest } from '../../src/notebook/rendererMessages';
import { VSCODE_THEME, vegaEmbedder, withOutputFont } from '../report/chart-view';
import type { Disposable } from '../shared/dom';
import styles from '../report/report.css';
import { renderReport, setHeadline } from '../report/view';

const STYLE_ID = 'lcnb-renderer-style';

/** Outputs may live in the document or in a shadow root; each gets the stylesheet once. */
function ensureStyles(element: HTMLElement): void {
  const root = element.getRootNode();
  const doc = element.ownerDocument;
  const container: ParentNode = root instanceof ShadowRoot ? root : doc.head;
  if (container.querySelector(`#${STYLE_ID}`)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = styles;
  container.append(style);
}

function isRendererSettings(message: unknown): message is RendererSettings {
  const m = message as Partial<RendererSettings> | null;
  return typeof m === 'object' && m !== null && m.type === 'lcnb.settings' && (m.headlineFlops === 'madds' || m.headlineFlops === 'flops');
}

export const activate: ActivationFunction = (ctx) => {
  const rendered = new Map<string, { view: Disposable; element: HTMLElement }>();
  const dispose = (id: string) => {
    rendered.get(id)?.view.dispose();
    rendered.delete(id);
  };
  // The report stores both counts; which one headlines is the reader's setting, sent by the
  // extension when asked and whenever it changes. Without messaging, MAdds (the default) leads.
  let headline: Headline = DEFAULT_HEADLINE;
  ctx.onDidReceiveMessage?.((message: unknown) => {
    if (!isRendererSettings(message)) return;
    headline = message.headlineFlops;
    for (const { element } of rendered.values()) setHeadline(element, headline);
  });
  ctx.postMessage?.({ type: 'lcnb.settings?' } satisfies RendererSettingsRequest);
  return {
    renderOutputItem(item, element) {
      dispose(item.id);
      ensureStyles(element);
      let value: unknown;
      try {
        value = item.json();
      } catch (e) {
        const p = element.ownerDocument.createElement('p');
        p.className = 'lcnb-error';
        p.textContent = `This lcnb output is not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
        element.replaceChildren(p);
        return;
      }
      // Without messaging (a renderer host that offers none) the rows and the header stay plain.
      const post = ctx.postMessage?.bind(ctx);
      const revealLayer = post && { title: 'Reveal in cell', run: (model: number, row: { scope: string }) => post({ type: 'lcnb.revealRow', outputId: item.id, model, scope: row.scope } satisfies RendererRevealRow) };
      const openInTab = post && (() => post({ type: 'lcnb.openInTab', outputId: item.id } satisfies RendererOpenInTab));
      rendered.set(item.id, { view: renderReport(element, value, { embedChart: vegaEmbedder, theme: withOutputFont(VSCODE_THEME, element), headline, revealLayer, openInTab }), element });
    },
    disposeOutputItem(id) {
      if (id !== undefined) {
        dispose(id);
      } else {
        for (const key of [...rendered.keys()]) dispose(key);
      }
    },
  };
};
