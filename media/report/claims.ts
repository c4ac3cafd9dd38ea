/**
 * A compare's claims: for each, what the paper says (with its source) and whether this run agrees,
 * and whether the difference is larger than the run-to-run spread.
 */
import type { ClaimCheck } from './report-types';
import { claimVerdict } from '../../src/shared/format';
import { el } from '../shared/dom';

/** Class of a claim's verdict: a clear result, or one the spread leaves open. */
function tone(c: ClaimCheck): string {
  if (c.verdict === 'not measured' || !c.beyond_spread) return 'lcnb-claim-open';
  return c.verdict === 'agrees' ? 'lcnb-claim-agrees' : 'lcnb-claim-disagrees';
}

export function claimsList(doc: Document, claims: readonly ClaimCheck[]): HTMLElement {
  const box = el(doc, 'ul', undefined, 'lcnb-claims');
  box.setAttribute('aria-label', "The paper's claims, checked against this run");
  for (const c of claims) {
    const item = el(doc, 'li', undefined, `lcnb-claim ${tone(c)}`);
    const v = claimVerdict(c.verdict, c.beyond_spread);
    const head = el(doc, 'div');
    head.append(el(doc, 'span', v.mark, 'lcnb-claim-mark'), el(doc, 'strong', `${c.faster} faster than ${c.than}`), doc.createTextNode(` — ${c.source}: `), el(doc, 'strong', v.text));
    item.append(head, el(doc, 'div', c.detail, 'lcnb-muted'));
    box.append(item);
  }
  return box;
}
