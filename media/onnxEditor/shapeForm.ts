/**
 * The `.onnx` editor's input-shape form: one text field per data input the file leaves symbolic,
 * prefilled with its declared dims (a symbolic batch as 1, other symbolic dims by name, for the
 * user to replace), an Apply button, and Enter in a field to apply. Numbers are checked here; the
 * rank and fixed dimensions are the reader's to check, and its message comes back through `errors`.
 */
import type { DeclaredTensor, InputShapes } from '../../src/editor/messages';
import { el } from '../shared/dom';

/** The most dimensions and the largest dimension the host accepts (SHAPE_LIMITS in src/editor/messages.ts). */
export const FIELD_LIMITS = { rank: 16, dim: 2 ** 31 - 1 } as const;

/** Whether an input's declared dims leave open more than the batch (which the reader reads as 1). */
export function needsShape(input: DeclaredTensor): boolean {
  return input.dims.length === 0 || input.dims.some((d, i) => i > 0 && typeof d !== 'number');
}

/** Whether any of an input's declared dims is symbolic (or it declares none): such an input gets a field. */
export function hasSymbolicDims(input: DeclaredTensor): boolean {
  return input.dims.length === 0 || input.dims.some((d) => typeof d !== 'number');
}

/** "[1, 3, H, W]": dims as the file declares them, symbolic ones by name. */
export function declaredText(dims: readonly (number | string)[]): string {
  return dims.length ? `[${dims.join(', ')}]` : 'no shape declared';
}

/** What the field holds before the user types: the declared dims, a symbolic batch as 1. */
export function prefillText(input: DeclaredTensor): string {
  return input.dims.map((d, i) => (i === 0 && typeof d !== 'number' ? '1' : String(d))).join(', ');
}

/**
 * A field's text as a shape: whole numbers separated by commas or spaces, optionally in brackets.
 * `declared` names the input's symbolic dims, so one left in the text is called what it is.
 */
export function parseShapeText(text: string, declared: readonly (number | string)[] = []): { shape: number[] } | { error: string } {
  const body = text.trim().replace(/^[[(]\s*/, '').replace(/\s*[\])]$/, '');
  const parts = body.split(/[\s,×]+/).filter(Boolean);
  const example = 'e.g. 1, 3, 640, 640';
  if (parts.length === 0) return { error: `Give the shape as whole numbers separated by commas (${example}).` };
  const shape: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (!/^\d+$/.test(part)) {
      const left = declared.some((d) => typeof d === 'string' && d === part);
      return { error: left ? `Dimension ${i} is still '${part}': replace it with a number (${example}).` : `'${part}' is not a whole number: give each dimension as one (${example}).` };
    }
    const n = Number(part);
    if (n < 1) return { error: `Dimension ${i} is ${part}: every dimension must be at least 1.` };
    if (n > FIELD_LIMITS.dim) return { error: `Dimension ${i} is ${part}: more than lcnb reads (at most ${FIELD_LIMITS.dim}).` };
    shape.push(n);
  }
  if (shape.length > FIELD_LIMITS.rank) return { error: `${shape.length} dimensions is more than lcnb reads (at most ${FIELD_LIMITS.rank}).` };
  return { shape };
}

export interface ShapeFormOptions {
  /** Inputs with a field (those with a symbolic dim), as declared. */
  readonly inputs: readonly DeclaredTensor[];
  /** Text for each field, by input name (else prefillText). */
  readonly values: Readonly<Record<string, string>>;
  /** Above the fields: why the form is there. */
  readonly intro: string;
  /** Errors to show: by input name beside its field, '' below the fields. */
  readonly errors: Readonly<Record<string, string>>;
  /** Apply is off (a profile or a read is running). */
  readonly disabled: boolean;
  /** Offer Cancel (back to the shape the file was read with). */
  readonly cancel?: () => void;
  readonly apply: (shapes: InputShapes) => void;
}

/** The form; its fields are `input[data-input]`, Apply is `button.lcnb-primary`. */
export function shapeForm(doc: Document, o: ShapeFormOptions): HTMLElement {
  const form = el(doc, 'div', undefined, 'lcnb-shape-form');
  form.setAttribute('role', 'group');
  form.setAttribute('aria-label', 'Input shape');
  form.append(el(doc, 'h3', 'Input shape'), el(doc, 'p', o.intro, 'lcnb-shape-intro'));
  const fields: { input: DeclaredTensor; field: HTMLInputElement; error: HTMLElement }[] = [];
  for (const [i, input] of o.inputs.entries()) {
    const row = el(doc, 'div', undefined, 'lcnb-shape-row');
    const id = `lcnb-shape-${i}`;
    const label = el(doc, 'label', input.name, 'lcnb-shape-name');
    label.htmlFor = id;
    const field = el(doc, 'input');
    field.type = 'text';
    field.id = id;
    field.dataset.input = input.name;
    field.spellcheck = false;
    field.autocomplete = 'off';
    field.value = o.values[input.name] ?? prefillText(input);
    // Wide enough for the declared dims, long symbolic names included (CSS caps it at the page width).
    field.size = Math.min(72, Math.max(24, prefillText(input).length + 2, field.value.length + 2));
    field.placeholder = prefillText(input) || 'N, C, H, W';
    field.title = `Shape for '${input.name}': whole numbers separated by commas; Enter applies`;
    const declared = el(doc, 'span', `${input.dtype} ${declaredText(input.dims)}`, 'lcnb-muted lcnb-shape-declared');
    const error = el(doc, 'span', o.errors[input.name] ?? '', 'lcnb-shape-error');
    error.id = `${id}-error`;
    error.setAttribute('role', 'alert');
    if (o.errors[input.name]) field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', error.id);
    field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        submit();
      }
    });
    row.append(label, field, declared, error);
    form.append(row);
    fields.push({ input, field, error });
  }
  const actions = el(doc, 'div', undefined, 'lcnb-shape-actions');
  const apply = el(doc, 'button', 'Apply', 'lcnb-primary');
  apply.type = 'button';
  apply.disabled = o.disabled;
  apply.title = 'Read the model again with these shapes (remembered for this file)';
  apply.addEventListener('click', () => submit());
  actions.append(apply);
  if (o.cancel) {
    const cancel = el(doc, 'button', 'Cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', o.cancel);
    actions.append(cancel);
  }
  actions.append(el(doc, 'span', 'Whole numbers separated by commas; Enter applies.', 'lcnb-muted'));
  const formError = el(doc, 'p', o.errors[''] ?? '', 'lcnb-shape-error lcnb-shape-form-error');
  formError.setAttribute('role', 'alert');
  form.append(actions, formError);

  function submit(): void {
    if (apply.disabled) return;
    const shapes: [string, number[]][] = [];
    let first: HTMLInputElement | undefined;
    for (const { input, field, error } of fields) {
      const parsed = parseShapeText(field.value, input.dims);
      if ('error' in parsed) {
        error.textContent = parsed.error;
        field.setAttribute('aria-invalid', 'true');
        first ??= field;
      } else {
        error.textContent = '';
        field.removeAttribute('aria-invalid');
        shapes.push([input.name, parsed.shape]);
      }
    }
    formError.textContent = '';
    if (first) {
      first.focus();
      return;
    }
    o.apply(Object.fromEntries(shapes));
  }

  return form;
}
