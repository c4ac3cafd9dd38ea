/**
 * The graph IR every part of lcnb speaks: NCHW tensors, named nodes with an op type, attributes,
 * activation inputs/outputs and weight shapes, and a scope path (stage / block / layer) per node
 * so costs can be grouped the way the papers draw their networks.
 */
import { GraphError } from './errors';
import { opDef } from './ops';
import { Shape } from './shape';

export type AttrValue = number | string | boolean | readonly number[];
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface WeightSpec {
  /** Role within the op: weight, bias, scale, mean, var … */
  readonly role: string;
  readonly shape: Shape;
  /** Trainable tensors are parameters; BN running statistics are buffers (read, not learned). */
  readonly trainable: boolean;
}

export interface Node {
  readonly name: string;
  readonly op: string;
  readonly scope: readonly string[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
  readonly weights: readonly WeightSpec[];
  /** Bytes per weight element when not the graph's default (1 for int8 weights). */
  readonly weightBytes?: number;
  /** Output shapes measured by a run (a stored model's data-dependent shapes), not inferred. */
  readonly measured?: boolean;
}

export interface Tensor {
  readonly name: string;
  readonly shape: Shape;
}

export interface Graph {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly string[];
  readonly nodes: readonly Node[];
  /** Shape of every tensor: graph inputs, constants and every node output. */
  readonly shapes: ReadonlyMap<string, Shape>;
  /**
   * Weight tensors that feed ops as ordinary inputs (a bias added by Add, a layer scale applied by
   * Mul — as graphs read from ONNX have them); the cost model counts them as that node's weights.
   */
  readonly constants: ReadonlyMap<string, ConstantInfo>;
  /** Bytes per element of tensors whose type is not the default float32 (int8, int64, bool …). */
  readonly elementBytes?: ReadonlyMap<string, number>;
  /** Nodes of a stored model whose output shapes could not be found: not in the graph, listed with why. */
  readonly unresolved?: readonly UnresolvedNode[];
}

export interface UnresolvedNode {
  readonly name: string;
  readonly op: string;
  readonly why: string;
}

export interface ConstantInfo {
  /** A learned tensor (an initializer such as a bias or layer scale), not a literal like the 3 in x + 3. */
  readonly parameter: boolean;
  /** A literal's value, every element alike (the 0.5 that averages two heads); an export writes it as it is. */
  readonly value?: number;
}

export interface NodeSpec {
  op: string;
  name: string;
  scope?: readonly string[];
  inputs: readonly string[];
  attrs?: Attrs;
  /** Output tensor names; defaults to the node name (or name:i for several outputs). */
  outputs?: readonly string[];
  /** Only for ops outside the registry: their output shapes, which lcnb cannot infer. */
  outputShapes?: readonly Shape[];
  /** Bytes per weight element when not the default. */
  weightBytes?: number;
  /** outputShapes were measured by a run (a stored model's data-dependent shapes): taken as they are, empty ones included. */
  measured?: boolean;
}

/**
 * Builds a graph node by node, inferring shapes as it goes so an impossible graph fails at the
 * node that makes it impossible.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly shapes = new Map<string, Shape>();
  private readonly inputs: Tensor[] = [];
  private readonly constants = new Map<string, ConstantInfo>();
  private readonly scopeStack: string[] = [];
  private readonly usedNames = new Set<string>();
  private readonly elementBytes = new Map<string, number>();
  private readonly unresolved: UnresolvedNode[] = [];

  /** `allowEmpty`: tensors with a dimension of 0 are allowed (stored models; a graph lcnb builds has none). */
  constructor(
    readonly name: string,
    private readonly options: { readonly allowEmpty?: boolean } = {},
  ) {}

  input(name: string, shape: Shape): Tensor {
    if (this.shapes.has(name)) throw new Error(`duplicate tensor name '${name}'`);
    const bad = shape.find((d) => !Number.isInteger(d) || d <= 0);
    if (bad !== undefined) {
      throw new GraphError(name, 'Input', [shape], `every dimension must be a positive integer, got ${bad}`);
    }
    const tensor = { name, shape: [...shape] };
    this.inputs.push(tensor);
    this.shapes.set(name, tensor.shape);
    return tensor;
  }

  /** A weight tensor used as an ordinary op input (see Graph.constants). */
  constant(name: string, shape: Shape, info: ConstantInfo): Tensor {
    if (this.shapes.has(name)) throw new Error(`duplicate tensor name '${name}'`);
    this.constants.set(name, info);
    this.shapes.set(name, [...shape]);
    return { name, shape };
  }

  /** Runs `body` with `name` appended to the scope path of every node it adds. */
  scope<T>(name: string, body: () => T): T {
    this.scopeStack.push(name);
    try {
      return body();
    } finally {
      this.scopeStack.pop();
    }
  }

  /** A node name unique in the graph: the scope path plus `local`, suffixed if taken. */
  private uniqueName(local: string): string {
    const base = [...this.scopeStack, local].join('.');
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  /** Adds an op in the current scope; returns its output tensors. */
  add(op: string, local: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor[] {
    const name = this.uniqueName(local);
    return this.addNode({ op, name, scope: [...this.scopeStack], inputs: inputs.map((t) => t.name), attrs });
  }

  /** Adds a fully named node (used by readers of stored graphs). */
  addNode(spec: NodeSpec): Tensor[] {
    const inputShapes = spec.inputs.map((input) => {
      const shape = this.shapes.get(input);
      if (!shape) throw new GraphError(spec.name, spec.op, [], `input '${input}' is not produced by any earlier node`);
      return shape;
    });
    const attrs = spec.attrs ?? {};
    const def = opDef(spec.op);
    let outputShapes: readonly Shape[];
    let weights: readonly WeightSpec[] = [];
    if (spec.measured && spec.outputShapes) {
      outputShapes = spec.outputShapes;
    } else if (def) {
      outputShapes = def.infer({ name: spec.name, op: spec.op, attrs, inputShapes });
      weights = def.weights?.({ name: spec.name, op: spec.op, attrs, inputShapes }) ?? [];
    } else if (spec.outputShapes) {
      outputShapes = spec.outputShapes;
    } else {
      throw new GraphError(spec.name, spec.op, inputShapes, `op '${spec.op}' is unknown and no output shape was given`);
    }
    for (const shape of outputShapes) {
      if (shape.some((d) => !(d > 0 || ((spec.measured || this.options.allowEmpty) && d === 0)))) {
        throw new GraphError(spec.name, spec.op, inputShapes, `output shape [${shape.join(', ')}] has a size ≤ 0`);
      }
    }
    // Outputs a stored node leaves unnamed (optional ones) are named name:i.
    const outputs = spec.outputs
      ? outputShapes.map((_, i) => spec.outputs![i] || `${spec.name}:${i}`).concat(spec.outputs.slice(outputShapes.length))
      : outputShapes.length === 1
        ? [spec.name]
        : outputShapes.map((_, i) => `${spec.name}:${i}`);
    if (outputs.length !== outputShapes.length) {
      throw new GraphError(spec.name, spec.op, inputShapes, `declares ${outputs.length} outputs but produces ${outputShapes.length}`);
    }
    for (const out of outputs) {
      if (this.shapes.has(out)) throw new GraphError(spec.name, spec.op, inputShapes, `output tensor '${out}' already exists`);
    }
    outputs.forEach((out, i) => this.shapes.set(out, outputShapes[i]));
    this.usedNames.add(spec.name);
    this.nodes.push({
      name: spec.name,
      op: spec.op,
      scope: spec.scope ?? [],
      inputs: spec.inputs,
      outputs,
      attrs,
      weights,
      ...(spec.weightBytes ? { weightBytes: spec.weightBytes } : {}),
      ...(spec.measured ? { measured: true } : {}),
    });
    return outputs.map((out, i) => ({ name: out, shape: outputShapes[i] }));
  }

  /** Records a tensor's element width when it is not the default. */
  setElementBytes(name: string, bytes: number): void {
    this.elementBytes.set(name, bytes);
  }

  /** Records a node of a stored model left out of the graph because its output shapes are not known. */
  leaveUnresolved(node: UnresolvedNode): void {
    this.unresolved.push(node);
  }

  /** A tensor added so far, by name. */
  tensor(name: string): Tensor | undefined {
    const shape = this.shapes.get(name);
    return shape && { name, shape };
  }

  /** Like add() for single-output ops. */
  add1(op: string, local: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
    return this.add(op, local, inputs, attrs)[0];
  }

  build(outputs: readonly Tensor[]): Graph {
    return {
      name: this.name,
      inputs: this.inputs,
      outputs: outputs.map((t) => t.name),
      nodes: this.nodes,
      shapes: this.shapes,
      constants: this.constants,
      ...(this.elementBytes.size ? { elementBytes: this.elementBytes } : {}),
      ...(this.unresolved.length ? { unresolved: this.unresolved } : {}),
    };
  }
}
