/** lcnb's notebook renderer for `application/vnd.lcnb.report+json` outputs. */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { VSCODE_THEME, vegaEmbedder } from './chart-view';
import type { Disposable } from './dom';
import styles from './renderer.css';
import { renderReport } from './view';

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

export const activate: ActivationFunction = () => {
  const rendered = new Map<string, Disposable>();
  const dispose = (id: string) => {
    rendered.get(id)?.dispose();
    rendered.delete(id);
  };
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
      rendered.set(item.id, renderReport(element, value, { embedChart: vegaEmbedder, theme: VSCODE_THEME }));
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
