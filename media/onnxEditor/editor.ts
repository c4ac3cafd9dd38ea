/**
 * The `.onnx` editor's page: shows each stage the host posts as it arrives (file, header, totals,
 * tables, diagram), the Profile and Export buttons, and profile results inline. The blocks are
 * the notebook renderer's own; every model-provided string goes in through textContent.
 */
import type { EditorRequest, EditorUpdate, ExportFormat, OnnxHeader } from '../../src/editor/messages';
import type { DiagramGraph, ModelProfile, ModelReport } from '../renderer/report-types';
import type { ModelSummary } from '../../src/core/summary';
import { formatBytes, formatCount } from '../../src/shared/format';
import { diagramView } from '../renderer/diagram-view';
import { el, section } from '../renderer/dom';
import { shapeText, timingByNode } from '../renderer/rows';
import { keyValueTable } from '../renderer/table';
import { layerTable, measuredBlock, scrollX, stageTable, totalsTable } from '../renderer/view';

/** Above this many ops the diagram waits for a click: laying out thousands of boxes takes seconds. */
export const DIAGRAM_AUTO_LIMIT = 1500;

/**
 * Fills `root` with the editor; `post` sends a request to the host. Returns the handler for the
 * host's updates (each may arrive more than once: the host replays them when the page reloads).
 */
export function mountOnnxEditor(root: HTMLElement, post: (request: EditorRequest) => void, diagramAutoLimit = DIAGRAM_AUTO_LIMIT): (update: EditorUpdate) => void {
  const doc = root.ownerDocument;

  const state: {
    file?: Extract<EditorUpdate, { type: 'file' }>;
    header?: OnnxHeader;
    summary?: ModelSummary;
    diagram?: DiagramGraph;
    profile?: ModelProfile;
    trusted: boolean;
    profiling: boolean;
    failed: boolean;
    diagramRequested: boolean;
  } = { trusted: true, profiling: false, failed: false, diagramRequested: false };

  /** Fixed slots, filled as stages arrive, so the page never jumps around while it fills. */
  const slots = {
    title: el(doc, 'div', undefined, 'lcnb-editor-title'),
    toolbar: el(doc, 'div', undefined, 'lcnb-editor-toolbar'),
    status: el(doc, 'p', undefined, 'lcnb-editor-status'),
    error: el(doc, 'div'),
    io: el(doc, 'div'),
    totals: el(doc, 'div'),
    uncounted: el(doc, 'div'),
    measured: el(doc, 'div'),
    diagram: el(doc, 'div'),
    stages: el(doc, 'div'),
    layers: el(doc, 'div'),
  };
  slots.status.setAttribute('role', 'status');
  root.replaceChildren(...Object.values(slots));

  const profileButton = el(doc, 'button', 'Profile', 'lcnb-primary');
  const cancelButton = el(doc, 'button', 'Cancel');
  const profileSettings = el(doc, 'span', undefined, 'lcnb-muted');
  const exportButtons: [ExportFormat, string][] = [
    ['csv', 'CSV'],
    ['json', 'JSON'],
    ['markdown', 'Markdown'],
    ['netron', 'Netron attachment'],
  ];
  {
    profileButton.type = cancelButton.type = 'button';
    profileButton.title = 'Run this file in onnxruntime (the lcnb.* settings choose provider, threads and runs)';
    profileButton.addEventListener('click', () => post({ type: 'profile' }));
    cancelButton.addEventListener('click', () => post({ type: 'cancelProfile' }));
    const profileGroup = el(doc, 'span', undefined, 'lcnb-editor-group');
    profileGroup.append(profileButton, cancelButton, profileSettings);
    const exportGroup = el(doc, 'span', undefined, 'lcnb-editor-group');
    exportGroup.append(el(doc, 'span', 'Export report:', 'lcnb-muted'));
    for (const [format, label] of exportButtons) {
      const button = el(doc, 'button', label);
      button.type = 'button';
      button.dataset.format = format;
      button.addEventListener('click', () => post({ type: 'export', format }));
      exportGroup.append(button);
    }
    slots.toolbar.append(profileGroup, exportGroup);
  }

  function setStatus(text: string, kind: 'info' | 'error' | 'busy' = 'info'): void {
    slots.status.textContent = text;
    slots.status.className = `lcnb-editor-status ${kind}`;
  }

  function updateButtons(): void {
    slots.toolbar.hidden = state.failed;
    const ready = !!state.diagram;
    profileButton.disabled = !ready || state.profiling;
    cancelButton.hidden = !state.profiling;
    profileButton.title = state.trusted
      ? 'Run this file in onnxruntime (the lcnb.* settings choose provider, threads and runs)'
      : 'This workspace is not trusted: lcnb does not load models into onnxruntime here';
    for (const button of slots.toolbar.querySelectorAll<HTMLButtonElement>('button[data-format]')) button.disabled = !state.summary;
  }

  /** The model as the renderer's blocks read it; the diagram graph is empty until it arrives. */
  function model(): ModelReport | undefined {
    if (!state.summary) return undefined;
    return { summary: state.summary, graph: state.diagram ?? { inputs: [], nodes: [], shapes: {} }, profile: state.profile };
  }

  function renderTitle(): void {
    const f = state.file;
    const h = state.header;
    if (!f) return;
    const line = el(doc, 'h2', f.name, 'lcnb-editor-name');
    const facts = [formatBytes(f.sizeBytes)];
    if (h) {
      facts.push(`ONNX opset ${h.opset}`, h.producer ? `produced by ${h.producer}` : 'producer not recorded', `graph "${h.graphName}"`, `${formatCount(h.nodes)} ops`);
      if (h.evaluatedNodes) facts.push(`${formatCount(h.evaluatedNodes)} shape computations evaluated while reading`);
    } else if (!state.failed) {
      facts.push('reading…');
    }
    slots.title.replaceChildren(line, el(doc, 'p', facts.join(' · '), 'lcnb-muted'));
  }

  /** lcnb.folded maps each folded BatchNorm to its conv: a count reads better than the JSON. */
  function metadataText(key: string, value: string): string {
    if (key !== 'lcnb.folded') return value;
    try {
      const n = Object.keys(JSON.parse(value) as object).length;
      return `${n} BatchNorm layer${n === 1 ? '' : 's'} folded into convs`;
    } catch {
      return value;
    }
  }

  function renderIo(): void {
    const h = state.header;
    if (!h) return;
    const rows: [string, string, string?][] = [
      ...h.inputs.map((t): [string, string] => [`Input ${t.name}`, shapeText(t.shape)]),
      ...h.outputs.map((t): [string, string] => [`Output ${t.name}`, shapeText(t.shape)]),
      ...Object.entries(h.metadata).map(([k, v]): [string, string] => [k, metadataText(k, v)]),
    ];
    slots.io.replaceChildren(keyValueTable(doc, rows, 'Inputs, outputs and lcnb metadata'));
  }

  function renderTotals(m: ModelReport): void {
    slots.totals.replaceChildren(scrollX(doc, totalsTable(doc, m)));
    const uncounted = m.summary.uncounted;
    if (uncounted.length === 0) {
      slots.uncounted.replaceChildren(el(doc, 'p', 'Uncounted ops: none; every op is in the totals.', 'lcnb-muted'));
      return;
    }
    const box = el(doc, 'div', undefined, 'lcnb-uncounted');
    box.append(el(doc, 'h4', `Uncounted ops (${uncounted.length}): lcnb has no cost rule for them, so they are not in the totals or the table`));
    const list = el(doc, 'ul');
    // Uncounted ops have no row in the layer table, so their measured time is shown here.
    const timing = timingByNode(m);
    for (const u of uncounted) {
      const t = timing.get(u.name);
      const time = t?.kind === 'measured' ? ` — ${t.layer.median_us.toFixed(1)} µs measured` : t?.kind === 'fused' ? ` — fused into ${t.layer.name}` : '';
      list.append(el(doc, 'li', `${u.name} (${u.op})${time}`));
    }
    box.append(list);
    slots.uncounted.replaceChildren(box);
  }

  function renderTables(m: ModelReport): void {
    const stages = section(doc, 'Stages', true, 'lcnb-stages-section');
    stages.body.append(scrollX(doc, stageTable(doc, m)));
    slots.stages.replaceChildren(stages.details);
    const layers = section(doc, 'Layers', true, 'lcnb-layers-section');
    const scroller = el(doc, 'div', undefined, 'lcnb-scroll');
    scroller.append(layerTable(doc, m));
    layers.body.append(scroller);
    slots.layers.replaceChildren(layers.details);
  }

  function renderDiagram(m: ModelReport): void {
    const { details, body } = section(doc, 'Architecture', true, 'lcnb-architecture');
    const ops = m.graph.nodes.length;
    if (ops > diagramAutoLimit && !state.diagramRequested) {
      const button = el(doc, 'button', `Draw the diagram (${formatCount(ops)} ops)`);
      button.type = 'button';
      button.addEventListener('click', () => {
        state.diagramRequested = true;
        body.replaceChildren(el(doc, 'p', 'Laying out the diagram…', 'lcnb-muted'));
        setTimeout(() => renderDiagram(m), 0);
      });
      body.append(el(doc, 'p', `This graph has ${formatCount(ops)} ops; laying it out takes a while.`, 'lcnb-muted'), button);
    } else {
      body.append(diagramView(doc, m));
    }
    slots.diagram.replaceChildren(details);
  }

  function renderMeasured(m: ModelReport): void {
    const block = measuredBlock(doc, m);
    slots.measured.replaceChildren(...(block ? [block] : []));
  }

  /** Runs `work` after the browser has painted what is already there. */
  function afterPaint(work: () => void): void {
    const frame = doc.defaultView?.requestAnimationFrame;
    if (frame) frame(() => setTimeout(work, 0));
    else setTimeout(work, 0);
  }

  function show(error: unknown, where: string): void {
    slots.error.replaceChildren(el(doc, 'p', `lcnb could not show the ${where}: ${error instanceof Error ? error.message : String(error)}`, 'lcnb-error'));
  }

  function guarded(where: string, work: () => void): void {
    try {
      work();
    } catch (e) {
      show(e, where);
    }
  }

  function onUpdate(update: EditorUpdate): void {
    switch (update.type) {
      case 'file':
        state.file = update;
        state.trusted = update.trusted;
        profileSettings.textContent = update.profileSettings;
        renderTitle();
        setStatus('Reading the model…', 'busy');
        break;
      case 'header':
        state.header = update.header;
        renderTitle();
        guarded('inputs and outputs', renderIo);
        setStatus('Counting costs…', 'busy');
        break;
      case 'summary': {
        state.summary = update.summary;
        const m = model()!;
        guarded('totals', () => renderTotals(m));
        setStatus('Laying out the tables and the diagram…', 'busy');
        afterPaint(() => guarded('tables', () => renderTables(model()!)));
        break;
      }
      case 'diagram':
        state.diagram = update.diagram;
        afterPaint(() => {
          guarded('diagram', () => renderDiagram(model()!));
          if (!state.profiling) setStatus(state.trusted ? 'Ready. Profile runs this file in onnxruntime on this machine.' : 'Ready. This workspace is not trusted: costs and diagram only, no profiling.');
        });
        break;
      case 'parseError':
        state.failed = true;
        renderTitle();
        slots.error.replaceChildren(el(doc, 'p', update.message, 'lcnb-error'));
        setStatus('This file could not be read.', 'error');
        break;
      case 'trust':
        state.trusted = update.trusted;
        if (update.trusted && !state.profiling) setStatus('This workspace is now trusted: Profile runs this file in onnxruntime on this machine.');
        break;
      case 'profileSettings':
        profileSettings.textContent = update.text;
        break;
      case 'profileProgress':
        state.profiling = true;
        setStatus(update.text, 'busy');
        break;
      case 'profileResult': {
        state.profiling = false;
        state.profile = update.profile;
        const m = model();
        if (m) {
          guarded('totals', () => renderTotals(m));
          guarded('measurement', () => renderMeasured(m));
          guarded('tables', () => renderTables(m));
          if (state.diagram) guarded('diagram', () => renderDiagram(m));
        }
        const l = update.profile.latency;
        setStatus(`Measured: median ${l.median_ms.toFixed(3)} ms (p10 ${l.p10_ms.toFixed(3)}, p90 ${l.p90_ms.toFixed(3)} ms).`);
        break;
      }
      case 'profileError':
        state.profiling = false;
        setStatus(update.message, update.cancelled ? 'info' : 'error');
        break;
      case 'notice':
        setStatus(update.text, update.level);
        break;
    }
    updateButtons();
  }

  updateButtons();
  return onUpdate;
}
