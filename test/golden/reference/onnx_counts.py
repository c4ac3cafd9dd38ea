"""Independent params / multiply-adds counter for ONNX files (and torchvision modules), to check lcnb's
counts of files it did not write. It shares no code with lcnb: shapes come from onnx's own
shape inference.

Run with a Python that has onnx (Debian's python3-onnx; torch/torchvision only for --torch):
    /usr/bin/python3 test/golden/reference/onnx_counts.py FILE.onnx[:N,C,H,W] ... [--torch NAME[:N,C,H,W]] ...
A shape after the file name replaces the declared dims (symbolic or not) of the file's first graph
input that is not an initializer; without one the declared dims are kept. Prints one JSON object
keyed by file (or by "torch:NAME").

Shapes: the input dims are fixed as given, then onnx.shape_inference.infer_shapes(strict_mode=False,
data_prop=True) gives every tensor's shape. onnx's inference alone leaves the outputs of Resize,
Reshape, Pad, ... unknown when their shape operands are computed at run time (Shape -> Gather ->
Concat, common in torch and paddle2onnx exports), so infer_with_folding evaluates that shape
arithmetic with numpy (tensors of at most FOLD_LIMIT elements), turns it into initializers and
infers again, until nothing more folds ("shape_nodes_folded"); the folded copy serves for shapes
only. A layer whose output or weight shape is still not fully known (data-dependent, e.g. after
NonMaxSuppression) is skipped and listed under "unresolved". Nodes inside If/Loop subgraphs are not
counted (their op types are listed under "subgraph_ops").

MAdds (whole input, batch included):
    Conv, ConvInteger, QLinearConv: prod(out shape) * (Cin/group) * prod(kernel), with Cin/group and
        the kernel read from the weight's shape [Cout, Cin/group, k...]
    ConvTranspose: prod(input shape) * (Cout/group) * prod(kernel), weight shape [Cin, Cout/group, k...]
    Gemm: M * N * K (transA/transB applied)
    MatMul, MatMulInteger, QLinearMatMul: prod(out shape) * K, K the last dim of A (both operands
        counted, constant or not, e.g. attention)
params: elements of every constant (an initializer, or a Constant node's value) that is, directly
or through DequantizeLinear / Identity (so a QDQ model's INT8 initializer counts), one of these inputs:
    Conv/ConvTranspose/ConvInteger: W, B; QLinearConv: w, B; Gemm: B, C (and A if constant);
    MatMul/MatMulInteger/QLinearMatMul: a constant operand; BatchNormalization: scale, bias;
    PRelu: slope; LayerNormalization/InstanceNormalization: scale, bias;
    Add/Sub/Mul/Div: a constant operand with more than one element (so scalars and [1]-shaped
        arithmetic constants do not count; layer-scale, decomposed LayerNorm gamma/beta, and also
        constant tables such as detection anchors, do count: see params_by_op)
Each constant is counted once (for the first consumer in node order). BatchNormalization mean and
var are reported separately as "buffers". "initializer_elements" is the plain sum over all
initializers, for reference. QuantizeLinear/DequantizeLinear scales and zero points never count.

--torch NAME: the torchvision model NAME (classification, torchvision.models.segmentation or
.detection; random weights) counted with forward hooks on every Conv2d
(prod(out)*(Cin/groups)*kh*kw), ConvTranspose2d (prod(in)*(Cout/groups)*kh*kw) and Linear
(in*out*rows), on a random input (default 1x3x224x224; a detection model gets a list of the
images); params = all module parameters, buffers = all module buffers.
"""
import json
import sys
from collections import Counter, defaultdict

import numpy as np


def parse_target(arg):
    """'path.onnx:1,3,224,224' -> ('path.onnx', [1,3,224,224]); 'path.onnx' -> ('path.onnx', None)."""
    if ":" in arg:
        head, tail = arg.rsplit(":", 1)
        if tail and all(p.strip().isdigit() for p in tail.split(",")):
            return head, [int(p) for p in tail.split(",")]
    return arg, None


def prod(xs):
    r = 1
    for x in xs:
        r *= int(x)
    return r


def dims_of(type_proto):
    """Dims of a tensor type: ints, dim_param strings, or None for unknown; None if no shape."""
    t = type_proto.tensor_type
    if not t.HasField("shape"):
        return None
    out = []
    for d in t.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        elif d.HasField("dim_param"):
            out.append(d.dim_param)
        else:
            out.append(None)
    return out


def known(shape):
    return shape is not None and all(isinstance(d, int) for d in shape)

FOLD_LIMIT = 4096  # largest tensor (elements) the shape-arithmetic folding computes


def _attrs(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _eval(node, vals, shapes, opset):
    """numpy value of node's outputs when it is shape arithmetic whose inputs are known; else None."""
    from onnx import mapping, numpy_helper
    op, a = node.op_type, _attrs(node)
    x = [vals.get(i) if i else None for i in node.input]
    if op == "Shape":
        s = shapes.get(node.input[0])
        if not known(s):
            return None
        v = np.array(s, dtype=np.int64)
        return [v[a.get("start", 0):a.get("end", None)] if ("start" in a or "end" in a) else v]
    if op == "Size":
        s = shapes.get(node.input[0])
        return [np.array(prod(s), dtype=np.int64)] if known(s) else None
    if op == "Constant":
        return None
    if any(i and v is None for i, v in zip(node.input, x)):
        return None
    if op == "Identity":
        return [x[0]]
    if op == "Cast":
        return [x[0].astype(mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])]
    if op == "Gather":
        return [np.take(x[0], x[1], axis=a.get("axis", 0))]
    if op == "Concat":
        return [np.concatenate(x, axis=a["axis"])]
    if op in ("Unsqueeze", "Squeeze"):
        axes = a.get("axes") if "axes" in a else (list(x[1]) if len(x) > 1 and x[1] is not None else None)
        if op == "Squeeze":
            return [np.squeeze(x[0], axis=tuple(int(i) for i in axes) if axes is not None else None)]
        r = x[0]
        rank = r.ndim + len(axes)
        for ax in sorted(int(i) % rank for i in axes):
            r = np.expand_dims(r, ax)
        return [r]
    if op == "Slice":
        if opset < 10:
            starts, ends, axes, steps = a["starts"], a["ends"], a.get("axes"), None
        else:
            starts, ends = x[1], x[2]
            axes = x[3] if len(x) > 3 and x[3] is not None else None
            steps = x[4] if len(x) > 4 and x[4] is not None else None
        axes = list(range(len(starts))) if axes is None else list(axes)
        steps = [1] * len(starts) if steps is None else list(steps)
        sl = [slice(None)] * x[0].ndim
        for st, en, ax, sp in zip(starts, ends, axes, steps):
            big = np.iinfo(np.int64).max // 2
            sl[int(ax)] = slice(int(max(min(st, big), -big)), int(max(min(en, big), -big)), int(sp))
        return [x[0][tuple(sl)]]
    if op in ("Add", "Sub", "Mul", "Div", "Min", "Max", "Equal", "Less", "Greater", "And", "Or", "Pow"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Min": np.minimum, "Max": np.maximum,
             "Equal": np.equal, "Less": np.less, "Greater": np.greater, "And": np.logical_and,
             "Or": np.logical_or, "Pow": np.power}.get(op)
        if op == "Div":
            r = x[0] / x[1]
            return [np.trunc(r).astype(x[0].dtype) if np.issubdtype(x[0].dtype, np.integer) else r.astype(x[0].dtype)]
        r = x[0]
        for y in x[1:]:
            r = f(r, y)
        return [r.astype(x[0].dtype) if op not in ("Equal", "Less", "Greater", "And", "Or") else r]
    if op in ("Floor", "Ceil", "Sqrt", "Neg", "Abs", "Not", "Reciprocal"):
        f = {"Floor": np.floor, "Ceil": np.ceil, "Sqrt": np.sqrt, "Neg": np.negative, "Abs": np.abs,
             "Not": np.logical_not, "Reciprocal": np.reciprocal}[op]
        return [f(x[0])]
    if op == "Where":
        return [np.where(x[0], x[1], x[2])]
    if op in ("ReduceProd", "ReduceMin", "ReduceMax", "ReduceSum", "ReduceMean"):
        axes = a.get("axes") if "axes" in a else (list(x[1]) if len(x) > 1 and x[1] is not None else None)
        f = {"ReduceProd": np.prod, "ReduceMin": np.min, "ReduceMax": np.max, "ReduceSum": np.sum, "ReduceMean": np.mean}[op]
        return [np.asarray(f(x[0], axis=tuple(int(i) for i in axes) if axes else None, keepdims=bool(a.get("keepdims", 1))), dtype=x[0].dtype)]
    if op == "Reshape":
        t = [int(d) for d in x[1]]
        t = [x[0].shape[i] if d == 0 and not a.get("allowzero", 0) else d for i, d in enumerate(t)]
        return [x[0].reshape(t)]
    if op == "ConstantOfShape":
        n = prod(x[0])
        if n > FOLD_LIMIT:
            return None
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
        return [np.full([int(d) for d in x[0]], v.reshape(-1)[0], dtype=v.dtype)]
    if op == "Range":
        return [np.arange(x[0], x[1], x[2]).astype(x[0].dtype)]
    if op == "Expand":
        shape = np.broadcast_shapes(x[0].shape, tuple(int(d) for d in x[1]))
        return [np.broadcast_to(x[0], shape).copy()] if prod(shape) <= FOLD_LIMIT else None
    if op == "Transpose":
        return [np.transpose(x[0], a.get("perm"))]
    return None


def infer_with_folding(model, rounds=12):
    """onnx shape inference, repeated after folding shape arithmetic (Shape of a tensor whose shape is
    known, and Gather/Slice/Concat/Cast/arithmetic/... on such values, up to FOLD_LIMIT elements) into
    initializers, so Reshape/Resize/Pad/Expand whose shape operands are computed at run time still get
    static output shapes. Counting never uses the folded graph's nodes, only its shapes. Returns the
    inferred model and how many nodes were folded."""
    import copy

    import onnx
    from onnx import numpy_helper

    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
    work = copy.deepcopy(model)
    total = 0
    for _ in range(rounds):
        inferred = onnx.shape_inference.infer_shapes(work, strict_mode=False, data_prop=True)
        g = inferred.graph
        shapes = {}
        for vi in list(g.input) + list(g.value_info) + list(g.output):
            s = dims_of(vi.type)
            if s is not None:
                shapes[vi.name] = s
        vals = {}
        for t in g.initializer:
            shapes[t.name] = list(t.dims)
            if prod(t.dims) <= FOLD_LIMIT:
                vals[t.name] = numpy_helper.to_array(t)
        outputs = {o.name for o in g.output}
        folded = {}
        for n in g.node:
            if n.op_type == "Constant":
                for at in n.attribute:
                    if at.name == "value" and prod(at.t.dims) <= FOLD_LIMIT:
                        vals[n.output[0]] = numpy_helper.to_array(at.t)
                continue
            if n.domain not in ("", "ai.onnx") or len(n.output) != 1 or n.output[0] in outputs:
                continue
            try:
                r = _eval(n, vals, shapes, opset)
            except Exception:
                r = None
            if r is None or np.asarray(r[0]).size > FOLD_LIMIT:
                continue
            v = np.asarray(r[0])
            vals[n.output[0]] = v
            shapes[n.output[0]] = list(v.shape)
            folded[n.output[0]] = v
        if not folded:
            return inferred, total
        total += len(folded)
        keep = [n for n in work.graph.node if not (len(n.output) == 1 and n.output[0] in folded)]
        del work.graph.node[:]
        work.graph.node.extend(keep)
        for name, v in folded.items():
            work.graph.initializer.append(numpy_helper.from_array(v, name))
        del work.graph.value_info[:]
    return onnx.shape_inference.infer_shapes(work, strict_mode=False, data_prop=True), total


def count_onnx(path, shape=None):
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    graph = model.graph
    init_names = {t.name for t in graph.initializer}
    real_inputs = [i for i in graph.input if i.name not in init_names]
    declared = {i.name: dims_of(i.type) for i in real_inputs}
    if shape is not None and real_inputs:
        target = real_inputs[0]
        dims = target.type.tensor_type.shape.dim
        if len(dims) != len(shape):
            raise SystemExit(f"{path}: input {target.name} has rank {len(dims)}, shape {shape} given")
        for d, v in zip(dims, shape):
            d.Clear()
            d.dim_value = v
    inferred, folded = infer_with_folding(model)
    g = inferred.graph

    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        s = dims_of(vi.type)
        if s is not None:
            shapes[vi.name] = s
    consts = {}  # name -> numpy array (initializers and Constant node outputs)
    for t in graph.initializer:
        consts[t.name] = numpy_helper.to_array(t)
        shapes[t.name] = list(t.dims)
    for t in inferred.graph.initializer:  # folded shape arithmetic: its shape only
        shapes.setdefault(t.name, list(t.dims))
    producer = {}
    for n in graph.node:
        for o in n.output:
            producer[o] = n
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    arr = numpy_helper.to_array(a.t)
                    consts[n.output[0]] = arr
                    shapes[n.output[0]] = list(arr.shape)

    def resolve(name):
        """The constant behind name, directly or through DequantizeLinear / Identity; else None."""
        seen = 0
        while name not in consts and seen < 8:
            p = producer.get(name)
            if p is None or p.op_type not in ("DequantizeLinear", "Identity"):
                return None
            name = p.input[0]
            seen += 1
        return name if name in consts else None

    def attr(node, key, default):
        for a in node.attribute:
            if a.name == key:
                return onnx.helper.get_attribute_value(a)
        return default

    ops = Counter(n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}" for n in graph.node)
    sub_ops = Counter()

    def walk(nodes):
        for n in nodes:
            for a in n.attribute:
                for sg in ([a.g] if a.HasField("g") else []) + list(a.graphs):
                    sub_ops.update(x.op_type for x in sg.node)
                    walk(sg.node)

    walk(graph.node)
    madds_by_op = defaultdict(int)
    params_by_op = defaultdict(int)
    counted = set()
    buffers = 0
    unresolved = []
    layers = 0

    def add_param(op, name, min_elems=1):
        c = resolve(name) if name else None
        if c is None or c in counted:
            return
        n = int(consts[c].size)
        if n < min_elems:
            return
        counted.add(c)
        params_by_op[op] += n

    def shp(name):
        s = shapes.get(name)
        if s is None:
            c = resolve(name)
            if c is not None:
                s = list(consts[c].shape)
        return s

    for n in graph.node:
        op = n.op_type
        ins = list(n.input) + [""] * 9
        if op in ("Conv", "ConvInteger", "QLinearConv", "ConvTranspose"):
            w = ins[3] if op == "QLinearConv" else ins[1]
            b = ins[8] if op == "QLinearConv" else (ins[2] if op in ("Conv", "ConvTranspose") else "")
            add_param(op, w)
            add_param(op, b)
            ws = shp(w)
            if op == "ConvTranspose":
                xs = shp(ins[0])
                if known(xs) and known(ws):
                    madds_by_op[op] += prod(xs) * ws[1] * prod(ws[2:])
                    layers += 1
                else:
                    unresolved.append({"node": n.name, "op": op, "input": xs, "weight": ws})
            else:
                ys = shp(n.output[0])
                if known(ys) and known(ws):
                    madds_by_op[op] += prod(ys) * ws[1] * prod(ws[2:])
                    layers += 1
                else:
                    unresolved.append({"node": n.name, "op": op, "output": ys, "weight": ws})
        elif op == "Gemm":
            for i in (0, 1, 2):
                add_param(op, ins[i])
            a, b = shp(ins[0]), shp(ins[1])
            if known(a) and known(b):
                M, K = (a[1], a[0]) if attr(n, "transA", 0) else (a[0], a[1])
                N = b[0] if attr(n, "transB", 0) else b[1]
                madds_by_op[op] += M * N * K
                layers += 1
            else:
                unresolved.append({"node": n.name, "op": op, "A": a, "B": b})
        elif op in ("MatMul", "MatMulInteger", "QLinearMatMul"):
            ia, ib = (0, 3) if op == "QLinearMatMul" else (0, 1)
            add_param(op, ins[ia])
            add_param(op, ins[ib])
            a, y = shp(ins[ia]), shp(n.output[0])
            if known(a) and known(y):
                madds_by_op[op] += prod(y) * a[-1]
                layers += 1
            else:
                unresolved.append({"node": n.name, "op": op, "A": a, "output": y})
        elif op == "BatchNormalization":
            add_param(op, ins[1])
            add_param(op, ins[2])
            for i in (3, 4):
                c = resolve(ins[i])
                if c is not None and c not in counted:
                    counted.add(c)
                    buffers += int(consts[c].size)
        elif op == "PRelu":
            add_param(op, ins[1])
        elif op in ("LayerNormalization", "InstanceNormalization"):
            add_param(op, ins[1])
            add_param(op, ins[2])
        elif op in ("Add", "Sub", "Mul", "Div"):
            add_param(op, ins[0], min_elems=2)
            add_param(op, ins[1], min_elems=2)

    opset = {(o.domain or "ai.onnx"): o.version for o in model.opset_import}
    return {
        "input": shape,
        "declared_inputs": declared,
        "inferred_inputs": {i.name: dims_of(i.type) for i in graph.input if i.name not in init_names},
        "outputs": {o.name: shapes.get(o.name) for o in graph.output},
        "params": sum(params_by_op.values()),
        "buffers": buffers,
        "madds": sum(madds_by_op.values()),
        "params_by_op": dict(params_by_op),
        "madds_by_op": dict(madds_by_op),
        "counted_layers": layers,
        "unresolved": unresolved,
        "initializer_elements": int(sum(prod(t.dims) for t in graph.initializer)),
        "shape_nodes_folded": folded,
        "nodes": len(graph.node),
        "ops": dict(sorted(ops.items())),
        "subgraph_ops": dict(sorted(sub_ops.items())),
        "producer": f"{model.producer_name} {model.producer_version}".strip(),
        "ir_version": model.ir_version,
        "opset": opset,
    }


def count_torch(name, shape=None):
    import torch
    import torchvision
    from torch import nn

    torch.manual_seed(0)
    shape = shape or [1, 3, 224, 224]
    detection = False
    for mod in (torchvision.models, torchvision.models.segmentation, torchvision.models.detection):
        if hasattr(mod, name) and callable(getattr(mod, name)):
            fn = getattr(mod, name)
            detection = mod is torchvision.models.detection
            break
    else:
        raise SystemExit(f"no torchvision model {name}")
    try:
        kw = {"weights": None}
        if mod is not torchvision.models:
            kw["weights_backbone"] = None
        model = fn(**kw)
    except TypeError:
        model = fn(pretrained=False)
    model.eval()
    madds_by_op = defaultdict(int)
    calls = Counter()

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            madds_by_op["Conv2d"] += out.numel() * (m.in_channels // m.groups) * kh * kw
        elif isinstance(m, nn.ConvTranspose2d):
            kh, kw = m.kernel_size
            madds_by_op["ConvTranspose2d"] += inputs[0].numel() * (m.out_channels // m.groups) * kh * kw
        elif isinstance(m, nn.Linear):
            madds_by_op["Linear"] += m.in_features * m.out_features * (out.numel() // m.out_features)
        calls[type(m).__name__] += 1

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    x = torch.randn(*shape)
    with torch.no_grad():
        model(list(x) if detection else x)
    for h in handles:
        h.remove()
    return {
        "input": shape,
        "params": sum(p.numel() for p in model.parameters()),
        "buffers": sum(b.numel() for b in model.buffers()),
        "madds": sum(madds_by_op.values()),
        "madds_by_op": dict(madds_by_op),
        "calls": dict(calls),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
    }


def main(argv):
    out = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--torch":
            name, shape = parse_target(argv[i + 1])
            out[f"torch:{name}"] = count_torch(name, shape)
            i += 2
            continue
        path, shape = parse_target(a)
        out[path] = count_onnx(path, shape)
        i += 1
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
