/// <reference types="node" />
/**
 * The report types the renderer reads. They reach kernels/profileModel.ts, whose own imports need
 * Node's type declarations to check; nothing in media/ calls a Node API (the layer rules hold that).
 */
export type { DiagramGraph, ModelReport, Report, SweepPoint } from '../../src/run/report';
export type { ModelProfile, ProfiledLayer } from '../../kernels/profileModel';
export type { PublishedFigure, SummaryLayer, SummaryScope } from '../../src/core/summary';
