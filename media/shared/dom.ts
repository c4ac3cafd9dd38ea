/** DOM helpers: every text goes through textContent, never markup, since names come from user files. */

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const node = doc.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A `<details>` block with a summary line; open unless told otherwise. */
export function section(doc: Document, title: string, open = true, className?: string): { details: HTMLDetailsElement; body: HTMLDivElement } {
  const details = el(doc, 'details', undefined, className ? `lcnb-section ${className}` : 'lcnb-section');
  if (open) details.setAttribute('open', '');
  details.append(el(doc, 'summary', title));
  const body = el(doc, 'div', undefined, 'lcnb-section-body');
  details.append(body);
  return { details, body };
}

export interface Disposable {
  dispose(): void;
}
