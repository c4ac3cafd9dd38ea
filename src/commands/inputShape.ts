/**
 * Asking for the input shape of an .onnx file with symbolic dimensions (a dynamic height and
 * width): one input box per such input, prefilled with its declared dimensions and checked as the
 * user types, with the reader's own rules (rank, fixed dimensions).
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DeclaredTensor, parseInputShape, readOnnxHeader, shapeTemplate } from '../onnx/reader';

/** Why `text` is not a shape for `input` (undefined when it is one). */
export function inputShapeProblem(input: DeclaredTensor, text: string): string | undefined {
  let shape: number[];
  try {
    shape = parseInputShape(text.includes('=') ? text : text.replace(/^\[|\]$/g, '')).shape;
  } catch (e) {
    return (e as Error).message;
  }
  if (shape.length !== input.dims.length) return `'${input.name}' is declared [${input.dims.join(', ')}] (rank ${input.dims.length}); this shape has rank ${shape.length}`;
  const clash = input.dims.findIndex((d, i) => typeof d === 'number' && d !== shape[i]);
  if (clash >= 0) return `dimension ${clash} of '${input.name}' is fixed at ${input.dims[clash]}`;
  return undefined;
}

/**
 * The shapes the user gives for the inputs of `uri` that have symbolic dimensions besides the
 * batch: undefined when none needs one, null when the user cancelled.
 */
export async function askInputShapes(uri: vscode.Uri, title: string): Promise<Record<string, number[]> | undefined | null> {
  const header = readOnnxHeader(await readFile(uri.fsPath), uri.fsPath);
  const open = header.inputs.filter((i) => i.dims.some((d, axis) => typeof d !== 'number' && axis > 0) || i.dims.length === 0);
  if (open.length === 0) return undefined;
  const shapes: Record<string, number[]> = {};
  for (const input of open) {
    const declared = `[${input.dims.join(', ')}]`;
    const text = await vscode.window.showInputBox({
      title,
      prompt: `Input shape of '${input.name}' (declared ${declared}, ${input.dtype}): the file leaves ${input.dims.filter((d) => typeof d !== 'number').join(', ')} open`,
      placeHolder: shapeTemplate(input.dims).join(', '),
      value: input.dims.map((d, axis) => (typeof d === 'number' ? d : axis === 0 ? 1 : '')).join(', '),
      ignoreFocusOut: true,
      validateInput: (value) => inputShapeProblem(input, value),
    });
    if (text === undefined) return null;
    shapes[open.length === 1 && header.inputs.length === 1 ? '' : input.name] = parseInputShape(text.replace(/^\[|\]$/g, '')).shape;
  }
  return shapes;
}
