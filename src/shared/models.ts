/**
 * How a report names its models, and the parts of a detector or segmenter: shared by the
 * extension host (reports, markdown, exports, the status bar) and the webviews (renderer, charts).
 */

/** The three top-level scopes of a detector or segmenter built by `detect:` / `segment:`. */
export type ModelPart = 'backbone' | 'neck' | 'head';
/** The parts in the order data flows through them. */
export const MODEL_PARTS: readonly ModelPart[] = ['backbone', 'neck', 'head'];

/** Whether a top-level scope is one of the parts. */
export function isModelPart(scope: string): scope is ModelPart {
  return (MODEL_PARTS as readonly string[]).includes(scope);
}

/**
 * How a report names a model: its label ('pplcnet_x0_5 (se_blocks: 1–13)'), or its id in a
 * report written before labels.
 */
export function modelName(model: { readonly label?: string; readonly summary: { readonly id: string } }): string {
  return model.label ?? model.summary.id;
}
