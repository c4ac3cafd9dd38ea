/**
 * Building a head on a backbone for a report: the graph, the paper's figures for the pair, and the
 * feature maps the head reads. `detect` / `segment` cells and `lcnb summary|profile --head` share it.
 */
import type { Graph } from '../core/ir';
import type { ModelSummary, PublishedFigure } from '../core/summary';
import { buildWithHead, findHead, HeadedRequest, HeadSpec, summarizeWithHead } from '../zoo/heads/index';
import { tapsRead } from '../zoo/heads/tapsRead';
import { modelLabel } from '../zoo/index';
import type { ModelProfile } from '../../kernels/host/profileTypes';
import { BackboneSplit, HeadedSection, SplitTap } from './reportTypes';
import { backboneSplit } from './split';

export interface HeadedBuild {
  readonly head: HeadSpec;
  readonly request: HeadedRequest;
  readonly graph: Graph;
  /** The paper's figures for this pair, only when the settings are the paper's. */
  readonly published: readonly PublishedFigure[];
  /** The backbone's feature maps the head reads. */
  readonly taps: readonly SplitTap[];
  readonly resolution: number;
  readonly classes: number;
  /** The backbone as reports name it: its id with the width and knobs that differ from its defaults. */
  readonly backboneLabel: string;
  /** The whole model as reports name it: the graph's name ('picodet_v2/<backbone>') with the same settings. */
  readonly label: string;
}

/** Builds `request`; throws the zoo's UserError (naming head, backbone and what is missing) when it cannot. */
export function buildHeaded(request: HeadedRequest): HeadedBuild {
  const graph = buildWithHead(request);
  const head = findHead(request.head)!;
  const resolution = request.resolution ?? head.defaultResolution;
  const published = summarizeWithHead(request).published;
  const taps = tapsRead(head, request);
  const settings = { width: request.width, knobs: request.knobs };
  return {
    head,
    request,
    graph,
    published,
    taps,
    resolution,
    classes: request.numClasses ?? head.defaultClasses,
    backboneLabel: modelLabel(request.backbone, settings),
    label: modelLabel(request.backbone, settings, graph.name),
  };
}

/** The split row of one built pair, from its summary and (when measured) its profile. */
export function splitOf(build: HeadedBuild, label: string, summary: ModelSummary, profile?: ModelProfile): BackboneSplit {
  return backboneSplit(summary, profile, { id: build.request.backbone, label, taps: build.taps });
}

export function headedSection(head: HeadSpec, resolution: number, classes: number, splits: readonly BackboneSplit[]): HeadedSection {
  return { task: head.task, head: { id: head.id, title: head.title, paper: head.paper, reference: head.reference }, resolution, classes, splits: [...splits] };
}
