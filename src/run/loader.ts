/**
 * Loading a model for a report, the one way cells and the `lcnb` command do it: a zoo id with its
 * build options, a stored .onnx file (read as it is), a graph .json file, or a zoo backbone under
 * a detection or segmentation head. Errors are the zoo's, the reader's and the file system's,
 * said in words; each caller adds where they point (a cell's line, a command's argument).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { UserError } from '../core/errors';
import { readGraphJson } from '../core/graphJson';
import type { Graph } from '../core/ir';
import type { Shape } from '../core/shape';
import type { PublishedFigure } from '../core/summary';
import type { OnnxModel } from '../onnx/reader';
import { BuildRequest, buildModelWithFigures, modelLabel } from '../zoo';
import type { HeadedRequest } from '../zoo/heads/index';
import type { KernelClient } from '../../kernels/host/client';
import { buildHeaded, HeadedBuild } from './headed';
import { readStoredModel } from './onnxFile';

/** A zoo model built with its options. */
export interface ZooSource {
  readonly zoo: string;
  readonly request?: BuildRequest;
}

/** A stored .onnx file; `kernel` (or a getter for one) measures the shapes only data can tell. */
export interface OnnxSource {
  readonly onnx: string;
  readonly inputShapes?: Readonly<Record<string, Shape>>;
  readonly kernel?: KernelClient | (() => KernelClient);
  readonly signal?: AbortSignal;
  /** The graph's name and label instead of the file's own graph name. */
  readonly name?: string;
}

/** A graph .json file (core/graphJson.ts). */
export interface GraphJsonSource {
  readonly graphJson: string;
}

/** A zoo backbone under a head, built as a detect or segment cell builds it. */
export interface HeadedSource {
  readonly headed: HeadedRequest;
}

export type ModelSource = ZooSource | OnnxSource | GraphJsonSource | HeadedSource;

export interface LoadedModel {
  readonly graph: Graph;
  /** How reports name it: a zoo id with the options that differ from its defaults (modelLabel), else the graph's name. */
  readonly label: string;
  /** The paper's figures, for zoo models in their published configuration. */
  readonly published: readonly PublishedFigure[];
  /** The .onnx file the graph was read from: profiled as stored, not re-exported. */
  readonly file?: string;
  /** What the reader of an .onnx file found (producer, opset, inputs). */
  readonly stored?: OnnxModel;
  /** What the reader of a file noted (a symbolic batch set to 1, int8 tensors, unresolved nodes). */
  readonly notes?: readonly string[];
  /** A head on a backbone: the build, with its split and labels. */
  readonly headed?: HeadedBuild;
}

/** Why a file could not be read or written, in words ("file not found", "permission denied"). */
export function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? (e as Error).message;
}

/** "file not found: m.onnx (looked in /home/me)": a relative path says where it was looked for. */
export function notFound(path: string): UserError {
  return new UserError(`file not found: ${path}${isAbsolute(path) ? '' : ` (looked in ${process.cwd()})`}`);
}

async function readGraphFile(path: string): Promise<Graph> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(path);
    throw new UserError(`cannot read ${path}: ${fileProblem(e)}`);
  }
  return readGraphJson(text, path);
}

export async function loadModel(source: HeadedSource): Promise<LoadedModel & { readonly headed: HeadedBuild }>;
export async function loadModel(source: OnnxSource): Promise<LoadedModel & { readonly stored: OnnxModel }>;
export async function loadModel(source: ModelSource): Promise<LoadedModel>;
export async function loadModel(source: ModelSource): Promise<LoadedModel> {
  if ('headed' in source) {
    const headed = buildHeaded(source.headed);
    return { graph: headed.graph, label: headed.label, published: headed.published, headed };
  }
  if ('onnx' in source) {
    const read = await readStoredModel(source.onnx, source.inputShapes, source.kernel, source.signal);
    const graph = source.name === undefined ? read.graph : { ...read.graph, name: source.name };
    return { graph, label: graph.name, published: [], file: source.onnx, stored: read, notes: read.notes };
  }
  if ('graphJson' in source) {
    const graph = await readGraphFile(source.graphJson);
    return { graph, label: graph.name, published: [] };
  }
  const request = source.request ?? {};
  const { graph, published } = buildModelWithFigures(source.zoo, request);
  return { graph, label: modelLabel(source.zoo, request), published };
}
