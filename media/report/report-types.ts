/** The report types the renderer reads (types only: nothing here reaches code that needs Node). */
export type { BackboneSplit, ClaimCheck, DiagramGraph, HeadedSection, ModelPart, ModelPrediction, ModelReport, PartSplit, PredictedDevice, PredictedLayerRow, Report, SweepPoint } from '../../src/run/reportTypes';
export type { ModelProfile, ProfiledLayer } from '../../kernels/host/profileTypes';
export type { PublishedFigure, SummaryLayer, SummaryScope } from '../../src/core/summary';
