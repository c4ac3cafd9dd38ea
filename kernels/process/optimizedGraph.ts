/**
 * The graph onnxruntime actually ran, read back from `optimizedModelFilePath`, and the match of each
 * profiled node to its node in that graph, so the host can map profile names to IR nodes through
 * tensor names as well as node names.
 *
 * How onnxruntime 1.30 (CPU EP) names nodes after optimisation, seen on all 64 zoo models exported
 * at opset 17 in both forms (IR tensor names equal the names of the IR nodes producing them):
 * - Every level: ops the CPU EP has no kernel for but ONNX defines as functions are inlined, e.g.
 *   HardSwish → HardSigmoid + Mul. The inlined nodes are UNNAMED in the optimised graph and the
 *   profiler calls them `<OpType>_<internal node index>` (`HardSigmoid_123`, `Mul_124`); the last
 *   one writes the original node's output tensor (`stem.hardswish`), the others write
 *   `_inlfunc_<Op>[_token_<k>]_<tensor>` temporaries.
 * - disabled: otherwise the exported graph unchanged, names kept.
 * - basic: BatchNormalization after a Conv is folded into it; the Conv keeps its name and now writes
 *   the BN's output tensor (`stem.conv` → tensor `stem.bn`). Identity/Dropout are removed.
 * - extended: Conv + Relu / Clip / HardSigmoid become `com.microsoft:FusedConv` (attribute
 *   `activation`), still named after the Conv, writing the activation's output tensor; the profiler
 *   reports op_name `FusedConv`. The exported GELU pattern (Div, Erf, Add, Mul, Mul) becomes one
 *   `com.microsoft:Gelu` named `Gelu`, `Gelu_token_<k>`, … — the IR name is lost, only its output
 *   tensor (`….gelu`) still says which it is.
 * - all: Convs the NCHWc transformer handles become `com.microsoft.nchwc:Conv` named
 *   `<the Conv's output tensor at that point>_nchwc`, i.e. after the LAST op already fused into it:
 *   `stem.bn_nchwc` (Conv+BN), `stage1.block1.dw.relu_nchwc` (Conv+BN+Relu). It may also absorb a
 *   following HardSwish (the inlined HardSigmoid+Mul pair; activation=HardSwish), the name then
 *   ending in the BN's name, and a residual Add (the Add's other operand becomes an extra input; the
 *   Add's node and tensor disappear: `stage2.block3.project.bn_nchwc` covers conv, bn and add). Pools
 *   and Resize in blocked layout become `<output tensor>_nchwc` too (GlobalAveragePool, MaxPool,
 *   AveragePool; Resize as `com.microsoft.nchwc:Upsample`). Tensors inside NCHWc regions are renamed
 *   `reorder_token_<n>` (reordered weights `reorder`, `reorder_token_<n>`); layout changes are new
 *   nodes `ReorderInput[_token_<n>]` / `ReorderOutput[_token_<n>]` (domain com.microsoft.nchwc) that
 *   correspond to no IR node: a ReorderOutput writes an original tensor name, a ReorderInput reads
 *   one. Convs the transformer skips (e.g. grouped ones) stay Conv/FusedConv named as at `extended`.
 * - One profile event per executed node and run. Execution order usually equals the saved order but
 *   not always (parallel branches run in another order at `disabled`), so nodes are matched by name,
 *   and unnamed ones by op type among those whose inputs are ready — which identified every profiled
 *   node of every zoo model at every level.
 */
import { readFileSync } from 'node:fs';
import { onnx } from '../../src/onnx/proto';
import type { OptimizedNodeInfo } from '../protocol';

export interface OptimizedGraph {
  readonly nodes: (OptimizedNodeInfo & { readonly opType: string })[];
  /** Graph inputs and initializers: tensors available before any node runs. */
  readonly sources: ReadonlySet<string>;
}

export function readOptimizedGraph(path: string): OptimizedGraph {
  const model = onnx.ModelProto.decode(readFileSync(path));
  const graph = model.graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name ?? ''));
  const sources = new Set<string>(['', ...initializers, ...(graph?.input ?? []).map((v) => v.name ?? '')]);
  const nodes = (graph?.node ?? []).map((n, index) => {
    const inputs = n.input ?? [];
    const activationAttr = n.attribute?.find((a) => a.name === 'activation');
    const paramsAttr = n.attribute?.find((a) => a.name === 'activation_params');
    return {
      index,
      name: n.name ?? '',
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: inputs.filter((i) => i !== '' && !initializers.has(i)),
      weights: inputs.filter((i) => initializers.has(i)),
      outputs: [...(n.output ?? [])],
      ...(activationAttr?.s ? { activation: new TextDecoder().decode(activationAttr.s) } : {}),
      ...(paramsAttr?.floats?.length ? { activationParams: [...paramsAttr.floats] } : {}),
    };
  });
  return { nodes, sources };
}

/** The profiler's name for an unnamed node: `<OpType>_<index>`. */
const UNNAMED_EVENT = /^(.+)_(\d+)$/;

/**
 * Matches profiled nodes (in execution order) to optimised-graph nodes. Returns the graph node per
 * profile name; profile names left out could not be identified.
 */
export function matchProfiledNodes(
  profiled: readonly { readonly name: string; readonly opType: string }[],
  graph: OptimizedGraph,
): Map<string, OptimizedNodeInfo> {
  const matched = new Map<string, OptimizedNodeInfo>();
  const used = new Set<number>();
  const ready = new Set(graph.sources);
  const byName = new Map<string, (typeof graph.nodes)[number][]>();
  for (const node of graph.nodes) {
    if (!node.name) continue;
    const list = byName.get(node.name) ?? [];
    list.push(node);
    byName.set(node.name, list);
  }
  const isReady = (node: (typeof graph.nodes)[number]) => node.inputs.every((i) => ready.has(i));
  for (const p of profiled) {
    let node = byName.get(p.name)?.find((n) => !used.has(n.index) && n.opType === p.opType);
    if (!node && UNNAMED_EVENT.test(p.name)) {
      node = graph.nodes.find((n) => !n.name && !used.has(n.index) && n.opType === p.opType && isReady(n));
    }
    if (!node) continue;
    used.add(node.index);
    for (const out of node.outputs) ready.add(out);
    const { opType: _, ...info } = node;
    matched.set(p.name, info);
  }
  return matched;
}
