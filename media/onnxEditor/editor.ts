/**
 * The `.onnx` editor's page: shows each stage the host posts as it arrives (file, header, totals,
 * tables, diagram), the Profile and Export buttons, and profile results inline. A file whose
 * inputs leave dimensions open gets a form for the input shape (shapeForm.ts), and once read, a
 * row saying the shape with a Change button. The blocks are the notebook renderer's own; every
 * model-provided string goes in through textContent.
 */
import type { DeclaredTensor, EditorRequest, EditorUpdate, ExportFormat, InputShapes, FileHeader, OnnxReadFacts } from '../../src/editor/messages';
import type { DiagramGraph, ModelProfile, ModelReport } from '../report/report-types';
import type { ModelSummary } from '../../src/core/summary';
import { formatBytes, formatCount } from '../../src/shared/format';
import { diagramView, revealInDiagram } from '../report/diagram-view';
import { el, section } from '../shared/dom';
import { shapeText, timingByNode } from '../report/rows';
import { keyValueTable } from '../shared/table';
import { layerTable, measuredBlock, scrollX, stageTable, totalsTable } from '../report/view';
import { declaredText, hasSymbolicDims, needsShape, shapeForm } from './shapeForm';

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
    /** The read in progress or last done: the shapes it used. */
    reading?: Extract<EditorUpdate, { type: 'reading' }>;
    header?: FileHeader;
    read?: OnnxReadFacts;
    summary?: ModelSummary;
    diagram?: DiagramGraph;
    profile?: ModelProfile;
    /** The file needs input shapes, or the ones given do not fit. */
    shapeNeeded?: Extract<EditorUpdate, { type: 'shapeNeeded' }>;
    /** Why the last read failed (not for want of a shape). */
    error?: string;
    trusted: boolean;
    profiling: boolean;
    failed: boolean;
    diagramRequested: boolean;
    /** The user asked to change the shape of a file already read. */
    changing: boolean;
    /** Apply was pressed and the host has not started reading yet. */
    applying: boolean;
    /** Counts reads, so work queued for an earlier one is dropped. */
    generation: number;
  } = { trusted: true, profiling: false, failed: false, diagramRequested: false, changing: false, applying: false, generation: 0 };

  /** Fixed slots, filled as stages arrive, so the page never jumps around while it fills. */
  const slots = {
    title: el(doc, 'div', undefined, 'lcnb-editor-title'),
    toolbar: el(doc, 'div', undefined, 'lcnb-editor-toolbar'),
    status: el(doc, 'p', undefined, 'lcnb-editor-status'),
    error: el(doc, 'div'),
    shape: el(doc, 'div', undefined, 'lcnb-editor-shape'),
    io: el(doc, 'div'),
    notes: el(doc, 'div'),
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
    slots.toolbar.hidden = state.failed && !state.shapeNeeded;
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
    const r = state.read;
    if (h) {
      facts.push(`ONNX opset ${h.opset}`, h.producer ? `produced by ${h.producer}` : 'producer not recorded', `graph "${h.graphName}"`);
      facts.push(r ? `${formatCount(r.nodes)} ops` : `${formatCount(h.nodeCount)} nodes in the file`);
      if (r?.evaluatedNodes) facts.push(`${formatCount(r.evaluatedNodes)} shape computations evaluated while reading`);
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

  /** "float32 [1, 3, H, W]", and once read, the shape it was read with (or inferred). */
  function tensorText(t: DeclaredTensor, shape: readonly number[] | undefined, verb: string): string {
    const declared = `${t.dtype} ${declaredText(t.dims)}`;
    if (!shape) return declared;
    const same = t.dims.length === shape.length && t.dims.every((d, i) => d === shape[i]);
    return same ? declared : `${declared} · ${verb} ${shapeText(shape)}`;
  }

  function renderIo(): void {
    const h = state.header;
    if (!h) return;
    const r = state.read;
    const readInputs = new Map(r?.inputs.map((i) => [i.name, i.shape]));
    const readOutputs = new Map(r?.outputs.map((o) => [o.name, o.shape]));
    const rows: [string, string, string?][] = [
      ...h.inputs.map((t): [string, string] => [`Input ${t.name}`, tensorText(t, readInputs.get(t.name), 'read as')]),
      ...h.outputs.map((t): [string, string] => [`Output ${t.name}`, tensorText(t, readOutputs.get(t.name), 'inferred')]),
      ...Object.entries(r?.metadata ?? {}).map(([k, v]): [string, string] => [k, metadataText(k, v)]),
    ];
    const caption = !r ? 'Inputs and outputs as the file declares them' : Object.keys(r.metadata).length ? 'Inputs, outputs and lcnb metadata' : 'Inputs and outputs';
    slots.io.replaceChildren(keyValueTable(doc, rows, caption));
  }

  function renderNotes(): void {
    const notes = state.read?.notes ?? [];
    if (!notes.length) {
      slots.notes.replaceChildren();
      return;
    }
    const list = el(doc, 'ul', undefined, 'lcnb-notes lcnb-editor-notes');
    for (const note of notes) list.append(el(doc, 'li', note));
    slots.notes.replaceChildren(list);
  }

  /** Inputs with a symbolic dim, as declared (by the reader's list when it asked for a shape). */
  function symbolicInputs(): readonly DeclaredTensor[] {
    return (state.shapeNeeded?.inputs ?? state.header?.inputs ?? []).filter(hasSymbolicDims);
  }

  function shapesLine(shapes: InputShapes): string {
    return Object.entries(shapes)
      .map(([name, shape]) => `${name} ${shapeText(shape)}`)
      .join(', ');
  }

  /** "dimensions 2 and 3" of [1, 3, H, W]: the ones the reader cannot read as 1. */
  function openDims(input: DeclaredTensor): string {
    if (!input.dims.length) return 'its shape';
    const open = input.dims.flatMap((d, i) => (i > 0 && typeof d !== 'number' ? [String(i)] : []));
    return open.length === 1 ? `dimension ${open[0]}` : `dimensions ${open.slice(0, -1).join(', ')} and ${open.at(-1)}`;
  }

  /** The reader's message goes beside the field of the input it names, else below the fields. */
  function errorsFor(message: string, inputs: readonly DeclaredTensor[]): Record<string, string> {
    const named = inputs.find((i) => message.includes(`input '${i.name}'`));
    return { [named?.name ?? '']: message };
  }

  /**
   * The input-shape form, when the file needs a shape, the one given did not fit, or the user asked
   * to change it; else, for a file read with shapes for its symbolic dims, a row with Change.
   */
  function renderShape(focus = false): void {
    const inputs = symbolicInputs();
    if (!inputs.some(needsShape)) {
      slots.shape.replaceChildren();
      return;
    }
    const given = state.reading?.inputShapes ?? {};
    const tried = Object.keys(given).length > 0;
    const needed = state.shapeNeeded;
    const failedWithShape = tried && state.failed && !!state.error;
    if (needed || state.changing || failedWithShape) {
      // What the user typed stays when the form is drawn again; else the shapes last given, or read with.
      const typed = new Map([...slots.shape.querySelectorAll<HTMLInputElement>('input[data-input]')].map((f) => [f.dataset.input ?? '', f.value]));
      const values: Record<string, string> = {};
      for (const input of inputs) {
        const shape = given[input.name] ?? state.read?.inputs.find((i) => i.name === input.name)?.shape;
        const value = typed.get(input.name) ?? shape?.join(', ');
        if (value !== undefined) values[input.name] = value;
      }
      const open = inputs.filter(needsShape);
      const intro = needed && !tried
        ? `${open.length === 1 ? `Input '${open[0].name}' leaves ${openDims(open[0])} open` : 'These inputs leave dimensions open'}: give the shape to read the model with (it is remembered for this file).`
        : 'The shape to read the model with (it is remembered for this file).';
      const errors = needed && tried ? errorsFor(needed.message, inputs) : failedWithShape ? { '': state.error! } : {};
      const form = shapeForm(doc, {
        inputs,
        values,
        intro,
        errors,
        disabled: state.profiling || state.applying,
        cancel: state.changing && state.read ? () => {
          state.changing = false;
          renderShape();
        } : undefined,
        apply: (shapes) => {
          state.applying = true;
          renderShape();
          setStatus(`Reading the model with input shape ${shapesLine(shapes)}…`, 'busy');
          post({ type: 'inputShapes', shapes });
        },
      });
      slots.shape.replaceChildren(form);
      if (focus) {
        const target = form.querySelector<HTMLInputElement>('input[aria-invalid="true"]') ?? form.querySelector<HTMLInputElement>('input[data-input]');
        target?.focus();
      }
      return;
    }
    // Read (or being read) with shapes: say which, and offer to change them.
    const row = el(doc, 'div', undefined, 'lcnb-shape-current');
    row.append(el(doc, 'span', 'Input shape', 'lcnb-shape-label'));
    const used = state.read?.inputs.filter((i) => inputs.some((s) => s.name === i.name)).map((i): [string, readonly number[]] => [i.name, i.shape]);
    row.append(el(doc, 'span', shapesLine(used?.length ? Object.fromEntries(used) : given), 'lcnb-shape-value'));
    if (state.reading?.remembered) row.append(el(doc, 'span', 'remembered for this file', 'lcnb-muted'));
    const change = el(doc, 'button', 'Change');
    change.type = 'button';
    change.disabled = state.profiling || !state.read;
    change.title = state.profiling ? 'A profile is running' : 'Read the model with another input shape';
    change.addEventListener('click', () => {
      state.changing = true;
      renderShape(true);
    });
    row.append(change);
    slots.shape.replaceChildren(row);
  }

  function renderTotals(m: ModelReport): void {
    slots.totals.replaceChildren(scrollX(doc, totalsTable(doc, m)));
    const uncounted = m.summary.uncounted;
    if (uncounted.length === 0) {
      slots.uncounted.replaceChildren(el(doc, 'p', 'Uncounted ops: none; every op is in the totals.', 'lcnb-muted'));
      return;
    }
    const box = el(doc, 'div', undefined, 'lcnb-uncounted');
    const unresolved = uncounted.some((u) => u.why);
    box.append(
      el(
        doc,
        'h4',
        unresolved
          ? `Uncounted ops (${uncounted.length}): not in the totals or the table (no cost rule, or a shape known only by running the model)`
          : `Uncounted ops (${uncounted.length}): lcnb has no cost rule for them, so they are not in the totals or the table`,
      ),
    );
    const list = el(doc, 'ul');
    // Uncounted ops have no row in the layer table, so their measured time is shown here.
    const timing = timingByNode(m);
    for (const u of uncounted) {
      const t = timing.get(u.name);
      const time = t?.kind === 'measured' ? ` — ${t.layer.median_us.toFixed(1)} µs measured` : t?.kind === 'fused' ? ` — fused into ${t.layer.name}` : '';
      const item = el(doc, 'li', `${u.name} (${u.op})${time}`);
      if (u.why) item.append(el(doc, 'span', `: ${u.why}`, 'lcnb-muted lcnb-why'));
      else if (unresolved) item.append(el(doc, 'span', ': no cost rule', 'lcnb-muted lcnb-why'));
      list.append(item);
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
    scroller.append(layerTable(doc, m, { title: 'Show in the diagram', run: (row) => showInDiagram(m, row.name) }));
    layers.body.append(scroller);
    slots.layers.replaceChildren(layers.details);
  }

  /** A layer row's node in the diagram: drawn first if it waits for a click, its section opened. */
  function showInDiagram(m: ModelReport, node: string): void {
    if (!slots.diagram.querySelector('.lcnb-diagram') && state.diagram && !state.diagramRequested) {
      state.diagramRequested = true;
      renderDiagram(m);
    }
    const details = slots.diagram.querySelector('details');
    if (details) details.open = true;
    const view = slots.diagram.querySelector('.lcnb-diagram');
    if (view) revealInDiagram(view, node);
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

  /** Runs `work` after the browser has painted what is already there, unless another read has started since. */
  function afterPaint(work: () => void): void {
    const generation = state.generation;
    const run = () => {
      if (generation === state.generation) work();
    };
    const frame = doc.defaultView?.requestAnimationFrame;
    if (frame) frame(() => setTimeout(run, 0));
    else setTimeout(run, 0);
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
      case 'reading': {
        // A new read: what the last one showed goes.
        state.generation++;
        state.reading = update;
        state.read = state.summary = state.diagram = state.profile = state.shapeNeeded = state.error = undefined;
        state.failed = state.changing = state.applying = false;
        state.diagramRequested = false;
        for (const slot of [slots.error, slots.notes, slots.totals, slots.uncounted, slots.measured, slots.diagram, slots.stages, slots.layers]) slot.replaceChildren();
        renderTitle();
        guarded('inputs and outputs', renderIo);
        guarded('input shape', renderShape);
        const shapes = Object.keys(update.inputShapes).length ? ` with input shape ${shapesLine(update.inputShapes)}${update.remembered ? ' (remembered for this file)' : ''}` : '';
        setStatus(`Reading the model${shapes}…`, 'busy');
        break;
      }
      case 'header':
        state.header = update.header;
        renderTitle();
        guarded('inputs and outputs', renderIo);
        guarded('input shape', renderShape);
        setStatus('Reading the graph…', 'busy');
        break;
      case 'read':
        state.read = update.read;
        renderTitle();
        guarded('inputs and outputs', renderIo);
        guarded('input shape', renderShape);
        guarded('notes', renderNotes);
        setStatus('Counting costs…', 'busy');
        break;
      case 'shapeNeeded': {
        state.shapeNeeded = update;
        const tried = Object.keys(state.reading?.inputShapes ?? {}).length > 0;
        guarded('input shape', () => renderShape(true));
        setStatus(tried ? 'The input shape given does not fit this model: see the form above.' : 'Give the input shape to count this model.', tried ? 'error' : 'info');
        break;
      }
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
      case 'parseError': {
        state.failed = true;
        state.error = update.message;
        renderTitle();
        const tried = Object.keys(state.reading?.inputShapes ?? {}).length > 0;
        // Read with a shape the graph cannot take: the error goes with the form, to try another.
        if (tried && symbolicInputs().some(needsShape)) {
          slots.error.replaceChildren();
          guarded('input shape', () => renderShape(true));
          setStatus('The model could not be read with this input shape: see the form above.', 'error');
        } else {
          slots.error.replaceChildren(el(doc, 'p', update.message, 'lcnb-error'));
          setStatus('This file could not be read.', 'error');
        }
        break;
      }
      case 'trust':
        state.trusted = update.trusted;
        if (update.trusted && !state.profiling) setStatus('This workspace is now trusted: Profile runs this file in onnxruntime on this machine.');
        break;
      case 'profileSettings':
        profileSettings.textContent = update.text;
        break;
      case 'profileProgress':
        if (!state.profiling) {
          state.profiling = true;
          guarded('input shape', renderShape);
        }
        setStatus(update.text, 'busy');
        break;
      case 'profileResult': {
        state.profiling = false;
        guarded('input shape', renderShape);
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
        guarded('input shape', renderShape);
        setStatus(update.message, update.cancelled ? 'info' : 'error');
        break;
      case 'notice':
        if (state.applying && update.level === 'error') {
          // The host declined the shape (a profile is running): the form takes input again.
          state.applying = false;
          guarded('input shape', renderShape);
        }
        setStatus(update.text, update.level);
        break;
    }
    updateButtons();
  }

  updateButtons();
  return onUpdate;
}
