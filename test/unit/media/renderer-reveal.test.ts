/**
 * Layer rows that show where they came from: with a reveal action, each layer row is focusable,
 * says what a click does, and a click or Enter hands the action the row's model and scope (a click
 * that ends a text selection does not); without one, rows stay plain. The header's "Open in tab"
 * button appears only when offered. In the diagram, revealing a node inside a collapsed stage
 * opens the stage and marks the node's box.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import { report } from '../../../src/run/buildReport';
import { compareReport, zooReport } from '../support/renderer-fixtures';

type Options = { embedChart: (container: any, spec: unknown) => Promise<{ dispose(): void }>; revealLayer?: { title: string; run(model: number, row: { name: string; scope: string }): void }; openInTab?: () => void };
type View = { renderReport(element: unknown, value: unknown, options: Options): { dispose(): void } };
type Diagram = { diagramView(doc: unknown, model: unknown): any; revealInDiagram(view: unknown, node: string): boolean };

let view: View;
let diagram: Diagram;
before(async () => {
  // Loaded by path: media/ is checked by media/tsconfig.json (DOM types), not by the Node test build.
  view = (await import(join(__dirname, '..', '..', '..', 'media', 'report', 'view.ts'))) as View;
  diagram = (await import(join(__dirname, '..', '..', '..', 'media', 'report', 'diagram-view.ts'))) as Diagram;
});

function dom(): { document: any; window: any } {
  return parseHTML('<!doctype html><html><head></head><body><div id="out"></div></body></html>') as unknown as { document: any; window: any };
}

function render(value: unknown, extra: Partial<Options> = {}) {
  const { document, window } = dom();
  const root = document.getElementById('out');
  view.renderReport(root, value, { embedChart: async () => ({ dispose: () => undefined }), ...extra });
  return { root, document, window };
}

describe('layer rows reveal their source', () => {
  it('rows are focusable, titled, and a click or Enter passes the model index and scope', () => {
    const clicked: [number, string][] = [];
    const value = compareReport(false);
    const { root, window } = render(value, { revealLayer: { title: 'Reveal in cell', run: (model, row) => clicked.push([model, row.scope]) } });
    const tables = root.querySelectorAll('table.lcnb-layers');
    assert.equal(tables.length, value.models.length);
    const rows = tables[1].querySelectorAll('tbody tr');
    assert.ok(rows.length > 3);
    assert.equal(rows[2].getAttribute('tabindex'), '0');
    assert.equal(rows[2].getAttribute('title'), 'Reveal in cell');
    assert.ok(rows[2].classList.contains('lcnb-row-action'));
    assert.match(tables[1].querySelector('caption').textContent, /a row: reveal in cell/);
    rows[2].dispatchEvent(new window.Event('click'));
    const enter = new window.Event('keydown');
    enter.key = 'Enter';
    rows[3].dispatchEvent(enter);
    assert.deepEqual(clicked, [
      [1, value.models[1].summary.layers[2].scope],
      [1, value.models[1].summary.layers[3].scope],
    ]);
    assert.ok(rows[2].classList.contains('lcnb-row-revealed'), 'the clicked row is marked');
  });

  it('without an action, rows are plain and the header has no tab button', () => {
    const { root } = render(report('model', 'squeezenet1_1', [zooReport('squeezenet1_1')]));
    const row = root.querySelector('table.lcnb-layers tbody tr');
    assert.equal(row.getAttribute('tabindex'), null);
    assert.equal(row.getAttribute('title'), null);
    assert.equal(root.querySelector('.lcnb-open-tab'), null);
  });

  it('the header offers "Open in tab" when asked to', () => {
    let opened = 0;
    const { root, window } = render(report('model', 'squeezenet1_1', [zooReport('squeezenet1_1')]), { openInTab: () => opened++ });
    const button = root.querySelector('.lcnb-header button.lcnb-open-tab');
    assert.equal(button.textContent, 'Open in tab');
    button.dispatchEvent(new window.Event('click'));
    assert.equal(opened, 1);
  });
});

describe('revealing a node in the diagram', () => {
  it('opens the collapsed groups around it and marks its box', () => {
    const { document } = dom();
    // Over 60 ops: every stage starts collapsed.
    const model = zooReport('mobilenet_v2_x1_0');
    const wrap = diagram.diagramView(document, model);
    const node = model.graph.nodes[40].name;
    const box = () => [...wrap.querySelectorAll('g.lcnb-box')].find((b: any) => b.dataset.id === `op:${node}`) as any;
    assert.equal(box(), undefined, 'the node starts hidden in a collapsed stage');
    assert.equal(diagram.revealInDiagram(wrap, node), true);
    assert.ok(box()?.classList.contains('lcnb-box-revealed'));
    assert.equal(diagram.revealInDiagram(wrap, 'no such node'), false);
  });
});
