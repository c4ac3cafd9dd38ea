/** The cell language of .lcnb notebooks, VS Code-free: parse, diagnose, build, complete, hover. */
export * from './types';
export * from './cells';
export { parseCell, knobProblem, MAX_SWEEP_POINTS } from './parse';
export { MAX_NESTING_DEPTH, nestingTooDeep } from './nesting';
export { checkCell, CHECKED_SWEEP_POINTS } from './check';
export type { ParseResult } from './parse';
export { CELL_SCHEMA, SCHEMA_ID, VERBS, VERB_DOCS, OPT_LEVELS, KNOWN_PROVIDERS } from './schema';
export type { Verb, OptLevel } from './schema';
export { OPS, ACTIVATIONS, LAYER_KEYS } from './ops';
export type { OpSpec, JsonSchema } from './ops';
export { buildNetwork, layerScopes, inLayerScope } from './network';
export type { BuiltNetwork, LayerScope } from './network';
export { completionsAt } from './complete';
export type { CompletionItem, CompletionKind } from './complete';
export { hoverTargetAt } from './hover';
export type { HoverTarget } from './hover';
export { backboneUnderHeadDoc, headDoc, tapsRead } from './headed';
export type { TapRead } from './headed';
