"""Golden output shapes of the standard ONNX operators, from onnx's own shape inference, to check
lcnb's ONNX reader (test/golden/onnx-ops.test.ts). It shares no code with lcnb.

Run with a Python that has onnx and numpy (Debian's python3-onnx):
    /usr/bin/python3 test/golden/reference/op_shapes.py [OUT.json]
(default OUT: test/golden/onnx-ops/cases.json; a case's name given with --only NAME prints that one.)

Each case is a tiny model: one node (or a short chain) of one standard op at a chosen opset, with
concrete static input shapes and non-trivial attributes. Constant operands (axes, pads, k, repeats,
shape, scales, sizes, starts/ends, split …) and weights are initializers (weights hold small random
values), so they are constants; at least one real graph input (not an initializer) feeds the op, so
the op is a real node and not folded away. Ops whose every operand is a constant (Range,
ConstantOfShape, the window functions …) and shape-only ops (Shape, Size) are followed by an Add with
a real graph input of one element, so the checked output is that of a real node and still has the
op's shape.

The graph outputs declare their element type only (no shape), so a reader must infer the shapes
itself. onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True) gives each graph
output's shape; onnx.checker.check_model must accept the model too. A case is skipped (the reason
printed to stderr) when the op or opset is not in this onnx, the checker refuses the model, the
inference fails, or it leaves a dimension unknown.

Exception, marked in the case by "reference": a few cases name a numpy_ref, the op's output shape by
numpy's own semantics (np.einsum, np.pad, np.compress …) or by the spec's plain rule, used where this
onnx cannot give one: its Einsum and OneHot inference leave every dimension unknown, Compress and
MaxUnpool with output_shape none, and opset 18+ ops (GroupNormalization, CenterCropPad, Col2Im, Mish,
Gelu, ReduceMean/Pad/Split with their opset-18 inputs) are newer than onnx 1.12. Where onnx gives a
partial shape, numpy's must agree with it; models of ops newer than this onnx are not checked by it.
(All of them, and every other case onnxruntime 1.30 can run, gave the same shapes under onnxruntime
when this file was made.)

onnx 1.12 quirk avoided: STFT's inference reads a missing onesided as 0 (the schema default is 1), so
the STFT cases set onesided explicitly.
"""
import base64
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "onnx-ops", "cases.json")

rng = np.random.default_rng(20240611)
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min

NP_OF = {
    T.FLOAT: np.float32,
    T.DOUBLE: np.float64,
    T.INT64: np.int64,
    T.INT32: np.int32,
    T.INT8: np.int8,
    T.UINT8: np.uint8,
    T.UINT32: np.uint32,
    T.BOOL: np.bool_,
}

CASES = []  # (name, op, opset, build) with build() -> (nodes, inputs, inits)


def W(*shape):
    """Random float32 weights."""
    return rng.standard_normal(shape).astype(np.float32)


def I64(*values):
    return np.array(values, dtype=np.int64)


def F32(*values):
    return np.array(values, dtype=np.float32)


def S64(v):
    """A 0-d int64 tensor."""
    return np.array(v, dtype=np.int64)


def SF(v):
    """A 0-d float32 tensor."""
    return np.array(v, dtype=np.float32)


def case(name, op, opset, nodes, inputs, inits=None, outputs=None, numpy_ref=None):
    """nodes: NodeProtos; inputs: {name: shape} (float) or {name: (shape, elem_type)}; inits: {name: ndarray};
    outputs: names of the graph outputs (default: every output of the last node); numpy_ref: for an op whose
    output shape this onnx's inference leaves unknown, a function of the node's input arrays (in node order,
    real inputs filled with small random values) giving the list of output shapes by numpy's own semantics."""
    CASES.append((name, op, opset, nodes, inputs, inits or {}, outputs, numpy_ref))


def node(op, ins, outs, **attrs):
    return helper.make_node(op, ins, outs, **attrs)


def single(name, op, opset, inputs, inits=None, ins=None, outs=("y",), numpy_ref=None, **attrs):
    """One node of op. ins defaults to the real inputs then the initializers, in the order given."""
    inits = inits or {}
    if ins is None:
        ins = list(inputs) + list(inits)
    case(name, op, opset, [node(op, list(ins), list(outs), **attrs)], inputs, inits, numpy_ref=numpy_ref)


def typed(elem_type, ref):
    """A numpy_ref whose outputs have elem_type (for ops newer than this onnx, which cannot infer the type)."""
    ref.elem_type = elem_type
    return ref


def via_add(name, op, opset, ins, inits, probe_type=T.FLOAT, inputs_extra=None, **attrs):
    """op over constants only, then Add with a real one-element input 'p' so the checked output 'z' is a real node."""
    inputs = {"p": ([1], probe_type)}
    inputs.update(inputs_extra or {})
    nodes = [node(op, ins, ["c"], **attrs), node("Add", ["c", "p"], ["z"])]
    case(name, op, opset, nodes, inputs, inits, outputs=["z"])


# ---------------------------------------------------------------- convolution
single("Conv 1-D pads strides", "Conv", 17, {"x": [1, 3, 20]}, {"w": W(4, 3, 3), "b": W(4)}, pads=[1, 2], strides=[2])
single("Conv 1-D dilations VALID", "Conv", 11, {"x": [2, 2, 17]}, {"w": W(3, 2, 3)}, dilations=[3], auto_pad="VALID")
single("Conv 2-D plain no kernel_shape", "Conv", 13, {"x": [1, 3, 8, 8]}, {"w": W(4, 3, 3, 3)})
single("Conv 2-D pads strides dilations", "Conv", 17, {"x": [1, 4, 15, 13]}, {"w": W(6, 4, 3, 2), "b": W(6)},
       kernel_shape=[3, 2], pads=[1, 0, 2, 1], strides=[2, 3], dilations=[2, 1])
single("Conv 2-D group 2", "Conv", 17, {"x": [1, 4, 9, 9]}, {"w": W(6, 2, 3, 3)}, group=2, pads=[1, 1, 1, 1])
single("Conv 2-D depthwise stride 2", "Conv", 17, {"x": [1, 4, 10, 10]}, {"w": W(4, 1, 3, 3), "b": W(4)}, group=4, strides=[2, 2], pads=[1, 1, 1, 1])
single("Conv 2-D SAME_UPPER stride 2", "Conv", 17, {"x": [1, 2, 9, 10]}, {"w": W(3, 2, 3, 3)}, auto_pad="SAME_UPPER", strides=[2, 2])
single("Conv 2-D SAME_LOWER stride 3", "Conv", 17, {"x": [1, 2, 10, 7]}, {"w": W(3, 2, 4, 2)}, auto_pad="SAME_LOWER", strides=[3, 2])
single("Conv 2-D SAME_UPPER dilated", "Conv", 11, {"x": [1, 2, 11, 11]}, {"w": W(2, 2, 3, 3)}, auto_pad="SAME_UPPER", dilations=[2, 2])
single("Conv 2-D VALID strides", "Conv", 1, {"x": [1, 2, 11, 12]}, {"w": W(3, 2, 3, 3)}, auto_pad="VALID", strides=[2, 3])
single("Conv 3-D pads strides dilations", "Conv", 17, {"x": [1, 2, 7, 8, 9]}, {"w": W(3, 2, 3, 2, 3), "b": W(3)},
       pads=[1, 0, 1, 1, 0, 2], strides=[2, 1, 2], dilations=[1, 2, 1])
single("Conv 3-D group SAME_UPPER", "Conv", 17, {"x": [2, 4, 5, 6, 7]}, {"w": W(4, 2, 3, 3, 3)}, group=2, auto_pad="SAME_UPPER", strides=[2, 2, 2])
single("Conv 1x1 batch 3", "Conv", 17, {"x": [3, 5, 4, 4]}, {"w": W(7, 5, 1, 1)})

single("ConvTranspose 2-D stride 2", "ConvTranspose", 17, {"x": [1, 3, 5, 5]}, {"w": W(3, 2, 3, 3), "b": W(2)}, strides=[2, 2])
single("ConvTranspose pads strides", "ConvTranspose", 17, {"x": [1, 3, 5, 6]}, {"w": W(3, 2, 4, 3)}, strides=[2, 3], pads=[1, 0, 1, 1])
single("ConvTranspose output_padding", "ConvTranspose", 17, {"x": [1, 2, 4, 4]}, {"w": W(2, 3, 3, 3)},
       strides=[2, 3], pads=[1, 1, 1, 1], output_padding=[1, 2])
single("ConvTranspose output_shape", "ConvTranspose", 17, {"x": [1, 2, 4, 5]}, {"w": W(2, 3, 3, 3)}, strides=[2, 2], output_shape=[10, 12])
single("ConvTranspose output_shape SAME_UPPER", "ConvTranspose", 17, {"x": [1, 2, 4, 5]}, {"w": W(2, 3, 3, 3)},
       strides=[2, 2], output_shape=[9, 11], auto_pad="SAME_UPPER")
single("ConvTranspose SAME_UPPER stride 2", "ConvTranspose", 17, {"x": [1, 2, 4, 5]}, {"w": W(2, 3, 3, 3)}, strides=[2, 2], auto_pad="SAME_UPPER")
single("ConvTranspose SAME_LOWER stride 3", "ConvTranspose", 17, {"x": [1, 2, 3, 4]}, {"w": W(2, 2, 4, 2)}, strides=[3, 3], auto_pad="SAME_LOWER")
single("ConvTranspose VALID", "ConvTranspose", 17, {"x": [1, 2, 3, 4]}, {"w": W(2, 2, 3, 3)}, strides=[2, 1], auto_pad="VALID")
single("ConvTranspose group 2", "ConvTranspose", 17, {"x": [1, 4, 5, 5]}, {"w": W(4, 3, 3, 3), "b": W(6)}, group=2, strides=[2, 2], pads=[1, 1, 1, 1])
single("ConvTranspose dilations", "ConvTranspose", 17, {"x": [1, 2, 5, 5]}, {"w": W(2, 3, 3, 3)}, dilations=[2, 3], strides=[1, 2])
single("ConvTranspose 1-D", "ConvTranspose", 11, {"x": [2, 3, 7]}, {"w": W(3, 4, 5)}, strides=[3], pads=[2, 1], output_padding=[1])
single("ConvTranspose 3-D", "ConvTranspose", 17, {"x": [1, 2, 3, 4, 5]}, {"w": W(2, 2, 2, 2, 2)}, strides=[2, 2, 2])

# ---------------------------------------------------------------- pooling
single("MaxPool 2-D k3 s2 p1", "MaxPool", 12, {"x": [1, 3, 11, 11]}, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
single("MaxPool 2-D ceil_mode", "MaxPool", 12, {"x": [1, 2, 10, 11]}, kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
single("MaxPool 2-D dilations", "MaxPool", 12, {"x": [1, 2, 12, 12]}, kernel_shape=[2, 3], dilations=[2, 2], strides=[1, 2])
single("MaxPool 2-D SAME_UPPER", "MaxPool", 12, {"x": [1, 2, 9, 10]}, kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
single("MaxPool 2-D SAME_LOWER", "MaxPool", 12, {"x": [1, 2, 9, 10]}, kernel_shape=[3, 2], strides=[2, 3], auto_pad="SAME_LOWER")
single("MaxPool 2-D VALID", "MaxPool", 12, {"x": [1, 2, 9, 10]}, kernel_shape=[3, 2], strides=[2, 2], auto_pad="VALID")
single("MaxPool 2-D with Indices", "MaxPool", 12, {"x": [1, 2, 8, 8]}, outs=("y", "idx"), kernel_shape=[2, 2], strides=[2, 2])
single("MaxPool 1-D", "MaxPool", 12, {"x": [2, 3, 15]}, kernel_shape=[4], strides=[3], pads=[1, 2])
single("MaxPool 1-D ceil dilated", "MaxPool", 12, {"x": [1, 3, 14]}, kernel_shape=[3], strides=[2], dilations=[2], ceil_mode=1)
single("MaxPool opset 1", "MaxPool", 1, {"x": [1, 3, 8, 9]}, kernel_shape=[2, 2], strides=[2, 2])
single("MaxPool 3-D", "MaxPool", 12, {"x": [1, 2, 6, 7, 8]}, kernel_shape=[2, 2, 3], strides=[2, 2, 2])
single("AveragePool 2-D pads count_include_pad", "AveragePool", 11, {"x": [1, 2, 9, 9]}, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)
single("AveragePool 2-D ceil_mode", "AveragePool", 11, {"x": [1, 2, 10, 7]}, kernel_shape=[3, 2], strides=[2, 2], ceil_mode=1)
single("AveragePool 2-D SAME_UPPER", "AveragePool", 11, {"x": [1, 2, 7, 8]}, kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
single("AveragePool 2-D SAME_LOWER", "AveragePool", 11, {"x": [1, 2, 7, 8]}, kernel_shape=[3, 3], strides=[3, 2], auto_pad="SAME_LOWER")
single("AveragePool 2-D VALID", "AveragePool", 11, {"x": [1, 2, 7, 8]}, kernel_shape=[2, 3], strides=[2, 2], auto_pad="VALID")
single("AveragePool 1-D", "AveragePool", 11, {"x": [1, 4, 13]}, kernel_shape=[3], strides=[2], pads=[0, 1])
single("AveragePool opset 7", "AveragePool", 7, {"x": [1, 4, 8, 8]}, kernel_shape=[2, 2], strides=[2, 2])
single("LpPool 2-D p=3", "LpPool", 11, {"x": [1, 2, 9, 8]}, kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 0], p=3)
single("LpPool 1-D SAME_UPPER", "LpPool", 11, {"x": [1, 2, 9]}, kernel_shape=[3], strides=[2], auto_pad="SAME_UPPER")
single("GlobalMaxPool 2-D", "GlobalMaxPool", 1, {"x": [2, 3, 5, 7]})
single("GlobalAveragePool 2-D", "GlobalAveragePool", 1, {"x": [1, 6, 5, 7]})
single("GlobalAveragePool 1-D", "GlobalAveragePool", 1, {"x": [1, 6, 9]})
single("GlobalAveragePool 3-D", "GlobalAveragePool", 1, {"x": [1, 2, 3, 4, 5]})
single("GlobalLpPool 2-D", "GlobalLpPool", 2, {"x": [1, 3, 4, 5]}, p=2)
single("MaxRoiPool", "MaxRoiPool", 1, {"x": [1, 3, 12, 12]}, {"rois": F32(0, 0, 0, 4, 4, 0, 2, 2, 8, 8, 0, 1, 1, 3, 9).reshape(3, 5)},
       pooled_shape=[2, 3], spatial_scale=1.0)
single("RoiAlign opset 10", "RoiAlign", 10, {"x": [2, 3, 10, 10]},
       {"rois": F32(0, 0, 4, 4, 1, 1, 6, 8, 2, 2, 9, 9, 0, 0, 2, 2).reshape(4, 4), "batch_indices": I64(0, 1, 1, 0)},
       output_height=3, output_width=2, sampling_ratio=2, spatial_scale=0.5)
single("RoiAlign opset 16 half_pixel max", "RoiAlign", 16, {"x": [1, 4, 8, 8]},
       {"rois": F32(0, 0, 4, 4, 1, 1, 6, 7).reshape(2, 4), "batch_indices": I64(0, 0)},
       output_height=5, output_width=5, mode="max", coordinate_transformation_mode="half_pixel")
single("MaxUnpool 2-D", "MaxUnpool", 11, {"x": [1, 2, 4, 4], "i": ([1, 2, 4, 4], T.INT64)}, kernel_shape=[2, 2], strides=[2, 2])
single("MaxUnpool 2-D pads", "MaxUnpool", 11, {"x": [1, 2, 3, 4], "i": ([1, 2, 3, 4], T.INT64)}, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
single("MaxUnpool output_shape", "MaxUnpool", 11, {"x": [1, 2, 4, 4], "i": ([1, 2, 4, 4], T.INT64)}, {"shape": I64(1, 2, 9, 9)},
       kernel_shape=[2, 2], strides=[2, 2], numpy_ref=lambda a: [tuple(a[2])])
single("MaxUnpool 1-D opset 9", "MaxUnpool", 9, {"x": [1, 3, 5], "i": ([1, 3, 5], T.INT64)}, kernel_shape=[3], strides=[3])

# ---------------------------------------------------------------- normalization
single("BatchNormalization opset 15", "BatchNormalization", 15, {"x": [2, 3, 4, 5]},
       {"s": W(3), "b": W(3), "m": W(3), "v": np.abs(W(3))}, epsilon=1e-3)
single("BatchNormalization opset 9 1-D", "BatchNormalization", 9, {"x": [2, 3, 7]}, {"s": W(3), "b": W(3), "m": W(3), "v": np.abs(W(3))})
single("BatchNormalization opset 14 2-D input", "BatchNormalization", 14, {"x": [4, 3]}, {"s": W(3), "b": W(3), "m": W(3), "v": np.abs(W(3))})
single("InstanceNormalization", "InstanceNormalization", 6, {"x": [2, 3, 5, 4]}, {"s": W(3), "b": W(3)})
single("LayerNormalization axis -1", "LayerNormalization", 17, {"x": [2, 5, 8]}, {"s": W(8), "b": W(8)})
single("LayerNormalization axis 1 with Mean InvStdDev", "LayerNormalization", 17, {"x": [2, 3, 4, 5]}, {"s": W(3, 4, 5)},
       outs=("y", "mean", "inv"), axis=1, epsilon=1e-5)
single("LayerNormalization axis -2 no bias", "LayerNormalization", 17, {"x": [2, 3, 4, 5]}, {"s": W(4, 5)}, outs=("y", "mean", "inv"), axis=-2)
single("GroupNormalization opset 18", "GroupNormalization", 18, {"x": [2, 4, 3, 3]}, {"s": W(2), "b": W(2)}, num_groups=2,
       numpy_ref=lambda a: [a[0].shape])
single("LRN", "LRN", 13, {"x": [1, 6, 5, 5]}, size=3, alpha=1e-4, beta=0.75, bias=2.0)
single("LpNormalization", "LpNormalization", 1, {"x": [2, 3, 4]}, axis=1, p=1)
single("MeanVarianceNormalization", "MeanVarianceNormalization", 13, {"x": [2, 3, 4, 5]}, axes=[0, 2, 3])

# ---------------------------------------------------------------- matrix products
single("Gemm plain with C", "Gemm", 13, {"a": [3, 5]}, {"b": W(5, 4), "c": W(4)})
single("Gemm transB", "Gemm", 13, {"a": [2, 6]}, {"b": W(7, 6), "c": W(7)}, transB=1, alpha=0.5, beta=2.0)
single("Gemm transA transB", "Gemm", 11, {"a": [6, 3]}, {"b": W(4, 6), "c": W(3, 1)}, transA=1, transB=1)
single("Gemm transA no C", "Gemm", 13, {"a": [5, 2]}, {"b": W(5, 3)}, transA=1)
single("Gemm opset 7 C scalar", "Gemm", 7, {"a": [2, 3]}, {"b": W(3, 4), "c": W(1)})
single("MatMul 2-D", "MatMul", 13, {"a": [3, 4]}, {"b": W(4, 5)})
single("MatMul 1-D x 2-D", "MatMul", 13, {"a": [4]}, {"b": W(4, 5)})
single("MatMul 2-D x 1-D", "MatMul", 13, {"a": [3, 4]}, {"b": W(4)})
single("MatMul 1-D x 1-D", "MatMul", 13, {"a": [4], "b": [4]})
single("MatMul 1-D x 3-D", "MatMul", 13, {"a": [4]}, {"b": W(2, 4, 3)})
single("MatMul 3-D x 1-D", "MatMul", 13, {"a": [2, 3, 4]}, {"b": W(4)})
single("MatMul batched", "MatMul", 13, {"a": [2, 3, 4], "b": [2, 4, 5]})
single("MatMul broadcast batch", "MatMul", 13, {"a": [2, 1, 3, 4], "b": [5, 4, 6]})
single("MatMul broadcast 2-D weight", "MatMul", 9, {"a": [2, 7, 3, 4]}, {"b": W(4, 2)})
single("Einsum batch matmul", "Einsum", 12, {"a": [2, 3, 4], "b": [2, 4, 5]}, equation="bij,bjk->bik", numpy_ref=lambda a: [np.einsum("bij,bjk->bik", *a).shape])
single("Einsum transpose", "Einsum", 12, {"a": [3, 4]}, equation="ij->ji", numpy_ref=lambda a: [np.einsum("ij->ji", *a).shape])
single("Einsum row sum", "Einsum", 12, {"a": [3, 4]}, equation="ij->i", numpy_ref=lambda a: [np.einsum("ij->i", *a).shape])
single("Einsum dot to scalar", "Einsum", 12, {"a": [5], "b": [5]}, equation="i,i->", numpy_ref=lambda a: [np.einsum("i,i->", *a).shape])
single("Einsum attention scores", "Einsum", 12, {"q": [1, 2, 3, 4], "k": [1, 2, 5, 4]}, equation="bhid,bhjd->bhij", numpy_ref=lambda a: [np.einsum("bhid,bhjd->bhij", *a).shape])
single("Einsum ellipsis matmul", "Einsum", 12, {"a": [2, 3, 4, 5]}, {"b": W(5, 6)}, equation="...ij,jk->...ik", numpy_ref=lambda a: [np.einsum("...ij,jk->...ik", *a).shape])
single("Einsum implicit output", "Einsum", 12, {"a": [3, 4]}, {"b": W(4, 5)}, equation="ij,jk", numpy_ref=lambda a: [np.einsum("ij,jk", *a).shape])
single("Einsum outer product", "Einsum", 12, {"a": [3], "b": [4]}, equation="i,j->ij", numpy_ref=lambda a: [np.einsum("i,j->ij", *a).shape])
single("Einsum permute 4-D", "Einsum", 12, {"a": [2, 3, 4, 5]}, equation="nchw->nhwc", numpy_ref=lambda a: [np.einsum("nchw->nhwc", *a).shape])
single("Einsum three operands", "Einsum", 12, {"a": [2, 3]}, {"b": W(3, 4), "c": W(4, 5)}, equation="ij,jk,kl->il", numpy_ref=lambda a: [np.einsum("ij,jk,kl->il", *a).shape])
single("Einsum diagonal", "Einsum", 12, {"a": [4, 4]}, equation="ii->i", numpy_ref=lambda a: [np.einsum("ii->i", *a).shape])

# ---------------------------------------------------------------- indexing
single("Gather axis 0 1-D indices", "Gather", 13, {"x": [5, 4, 3]}, {"idx": I64(0, 2, 4, 1)})
single("Gather axis 1 2-D indices", "Gather", 13, {"x": [2, 5, 3]}, {"idx": I64(0, 1, 4, 3, 2, 2).reshape(2, 3)}, axis=1)
single("Gather scalar index axis -1", "Gather", 13, {"x": [2, 3, 4]}, {"idx": S64(2)}, axis=-1)
single("Gather real indices axis 2", "Gather", 11, {"x": [2, 3, 4], "idx": ([3, 1], T.INT64)}, axis=2)
single("Gather embedding (weight data)", "Gather", 13, {"idx": ([2, 6], T.INT64)}, {"table": W(10, 4)}, ins=("table", "idx"))
single("GatherElements axis 1", "GatherElements", 13, {"x": [3, 4]}, {"idx": I64(0, 1, 2, 3, 1, 0).reshape(3, 2)}, axis=1)
single("GatherElements axis 0 real indices", "GatherElements", 13, {"x": [3, 4, 2], "idx": ([2, 4, 2], T.INT64)}, axis=0)
single("GatherND", "GatherND", 13, {"x": [3, 4, 5]}, {"idx": I64(0, 1, 2, 3).reshape(2, 2)})
single("GatherND full index", "GatherND", 13, {"x": [3, 4, 5], "idx": ([6, 3], T.INT64)})
single("GatherND batch_dims 1", "GatherND", 13, {"x": [2, 3, 4], "idx": ([2, 5, 1], T.INT64)}, batch_dims=1)
single("GatherND batch_dims 2", "GatherND", 12, {"x": [2, 3, 4, 5], "idx": ([2, 3, 1, 1], T.INT64)}, batch_dims=2)
single("ScatterElements axis 1", "ScatterElements", 13, {"x": [3, 4], "u": [3, 2]}, {"idx": I64(0, 1, 2, 3, 1, 0).reshape(3, 2)},
       ins=("x", "idx", "u"), axis=1)
single("ScatterElements reduction add", "ScatterElements", 16, {"x": [4, 3], "u": [2, 3]}, {"idx": I64(0, 1, 2, 3, 0, 1).reshape(2, 3)},
       ins=("x", "idx", "u"), reduction="add")
single("ScatterND", "ScatterND", 13, {"x": [4, 5, 6], "u": [2, 6]}, {"idx": I64(0, 1, 3, 4).reshape(2, 2)}, ins=("x", "idx", "u"))
single("ScatterND reduction mul", "ScatterND", 16, {"x": [4, 5], "u": [3]}, {"idx": I64(0, 1, 2, 3, 3, 4).reshape(3, 2)}, ins=("x", "idx", "u"), reduction="mul")
single("Compress axis 1", "Compress", 11, {"x": [3, 4]}, {"cond": np.array([True, False, True, True])}, axis=1,
       numpy_ref=lambda a: [np.compress(a[1], a[0], axis=1).shape])
single("OneHot axis -1", "OneHot", 11, {"idx": ([2, 3], T.INT64)}, {"depth": S64(5), "values": F32(0, 1)},
       numpy_ref=lambda a: [a[0].shape + (int(a[1]),)])
single("OneHot axis 1", "OneHot", 11, {"idx": ([2, 3], T.INT64)}, {"depth": I64(4), "values": F32(0, 1)}, axis=1,
       numpy_ref=lambda a: [(a[0].shape[0], int(a[1][0])) + a[0].shape[1:]])
single("OneHot opset 9 axis 0", "OneHot", 9, {"idx": ([3], T.INT64)}, {"depth": F32(6), "values": F32(-1, 1)}, axis=0,
       numpy_ref=lambda a: [(int(a[1][0]),) + a[0].shape])

# ---------------------------------------------------------------- broadcasting
single("Expand broadcast up", "Expand", 13, {"x": [3, 1]}, {"shape": I64(2, 1, 6)})
single("Expand shape with ones", "Expand", 8, {"x": [2, 1, 5]}, {"shape": I64(1, 4, 1)})
single("Expand same rank", "Expand", 13, {"x": [1, 3, 1]}, {"shape": I64(2, 3, 4)})
single("Tile", "Tile", 13, {"x": [2, 3, 4]}, {"r": I64(2, 1, 3)})
single("Tile opset 6", "Tile", 6, {"x": [2, 3]}, {"r": I64(3, 2)})
single("Where broadcast", "Where", 16, {"c": ([3, 1, 4], T.BOOL), "a": [1, 5, 1]}, {"b": W(4)})
single("Where opset 9", "Where", 9, {"c": ([2, 3], T.BOOL), "a": [2, 3], "b": [3]})

# ---------------------------------------------------------------- reductions
for r in ["ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]:
    single(f"{r} opset 13 axes attr keepdims 1", r, 13, {"x": [2, 3, 4, 5]}, axes=[1, -1])
    single(f"{r} opset 13 axes attr keepdims 0", r, 13, {"x": [2, 3, 4, 5]}, axes=[0, 2], keepdims=0)
single("ReduceMean opset 13 no axes keepdims 0", "ReduceMean", 13, {"x": [2, 3, 4]}, keepdims=0)
single("ReduceMean opset 13 no axes keepdims 1", "ReduceMean", 13, {"x": [2, 3, 4]})
single("ReduceMean opset 11 axes attr", "ReduceMean", 11, {"x": [2, 3, 4, 5]}, axes=[2, 3], keepdims=1)
single("ReduceSum opset 11 axes attr", "ReduceSum", 11, {"x": [2, 3, 4]}, axes=[1], keepdims=0)
single("ReduceSum opset 13 axes input keepdims 1", "ReduceSum", 13, {"x": [2, 3, 4, 5]}, {"axes": I64(1, 3)})
single("ReduceSum opset 13 axes input keepdims 0", "ReduceSum", 13, {"x": [2, 3, 4, 5]}, {"axes": I64(-1, 0)}, keepdims=0)
single("ReduceSum opset 13 no axes", "ReduceSum", 13, {"x": [2, 3, 4]}, keepdims=0)
single("ReduceSum opset 13 empty axes noop", "ReduceSum", 13, {"x": [2, 3, 4]}, {"axes": np.zeros([0], np.int64)}, noop_with_empty_axes=1)
single("ReduceMean opset 18 axes input", "ReduceMean", 18, {"x": [2, 3, 4, 5]}, {"axes": I64(2, 3)}, keepdims=0,
       numpy_ref=lambda a: [np.mean(a[0], axis=tuple(a[1])).shape])
single("ReduceMax opset 18 axes input keepdims 1", "ReduceMax", 18, {"x": [2, 3, 4, 5]}, {"axes": I64(-3)},
       numpy_ref=lambda a: [np.max(a[0], axis=tuple(a[1]), keepdims=True).shape])
single("ArgMax keepdims 1", "ArgMax", 13, {"x": [2, 3, 4]}, axis=1)
single("ArgMax keepdims 0 last index", "ArgMax", 12, {"x": [2, 3, 4]}, axis=-1, keepdims=0, select_last_index=1)
single("ArgMin axis 0 keepdims 0", "ArgMin", 13, {"x": [2, 3, 4]}, axis=0, keepdims=0)
single("ArgMin default", "ArgMin", 11, {"x": [2, 3, 4]})
single("TopK k initializer", "TopK", 11, {"x": [3, 10]}, {"k": I64(4)}, outs=("v", "i"))
single("TopK axis 1 smallest", "TopK", 11, {"x": [2, 6, 5]}, {"k": I64(2)}, outs=("v", "i"), axis=1, largest=0)
single("TopK opset 1 attr", "TopK", 1, {"x": [2, 7]}, outs=("v", "i"), k=3)
single("CumSum exclusive reverse", "CumSum", 14, {"x": [2, 3, 4]}, {"axis": S64(1)}, exclusive=1, reverse=1)
single("CumSum opset 11", "CumSum", 11, {"x": [5, 2]}, {"axis": I64(0)})
single("Trilu upper k", "Trilu", 14, {"x": [2, 4, 5]}, {"k": S64(1)})
single("Trilu lower", "Trilu", 14, {"x": [4, 3]}, upper=0)
single("Det batch", "Det", 11, {"x": [2, 3, 3]})
single("Det single", "Det", 11, {"x": [4, 4]})
single("Hardmax opset 13", "Hardmax", 13, {"x": [2, 3, 4]}, axis=1)
single("Softmax opset 13 axis 1", "Softmax", 13, {"x": [2, 3, 4]}, axis=1)
single("Softmax opset 11 default", "Softmax", 11, {"x": [2, 3, 4]})
single("LogSoftmax opset 13", "LogSoftmax", 13, {"x": [2, 5]})
single("LogSoftmax opset 1 axis 2", "LogSoftmax", 1, {"x": [2, 3, 4]}, axis=2)

# ---------------------------------------------------------------- types and shapes
single("Cast to int32", "Cast", 13, {"x": [2, 3]}, to=T.INT32)
single("Cast to bool opset 9", "Cast", 9, {"x": [4]}, to=T.BOOL)
single("CastLike int64", "CastLike", 15, {"x": [2, 3]}, {"t": I64(1)})
via_add("Shape start 1", "Shape", 15, ["x"], {}, probe_type=T.INT64, inputs_extra={"x": [2, 3, 4, 5]}, start=1)
via_add("Shape start end negative", "Shape", 15, ["x"], {}, probe_type=T.INT64, inputs_extra={"x": [2, 3, 4, 5]}, start=-3, end=-1)
via_add("Shape opset 13", "Shape", 13, ["x"], {}, probe_type=T.INT64, inputs_extra={"x": [2, 3, 4]})
via_add("Size", "Size", 13, ["x"], {}, probe_type=T.INT64, inputs_extra={"x": [2, 3, 4]})
via_add("ConstantOfShape", "ConstantOfShape", 9, ["s"], {"s": I64(2, 3, 1)},
        value=helper.make_tensor("v", T.FLOAT, [1], [0.5]))
via_add("ConstantOfShape default", "ConstantOfShape", 9, ["s"], {"s": I64(4, 2)})
via_add("Range float", "Range", 11, ["a", "b", "d"], {"a": SF(1.0), "b": SF(6.0), "d": SF(0.5)})
via_add("Range int64 negative delta", "Range", 11, ["a", "b", "d"], {"a": S64(10), "b": S64(1), "d": S64(-3)}, probe_type=T.INT64)
via_add("HannWindow", "HannWindow", 17, ["n"], {"n": S64(10)})
via_add("HannWindow non-periodic", "HannWindow", 17, ["n"], {"n": S64(7)}, periodic=0)
via_add("HammingWindow", "HammingWindow", 17, ["n"], {"n": S64(8)})
via_add("BlackmanWindow", "BlackmanWindow", 17, ["n"], {"n": S64(6)})
via_add("MelWeightMatrix", "MelWeightMatrix", 17, ["m", "d", "sr", "lo", "hi"],
        {"m": S64(8), "d": S64(16), "sr": S64(8000), "lo": SF(0.0), "hi": SF(4000.0)})
single("EyeLike", "EyeLike", 9, {"x": [3, 4]}, k=1)
single("EyeLike dtype", "EyeLike", 9, {"x": [5, 2]}, dtype=T.INT64)
single("Identity", "Identity", 16, {"x": [2, 3]})

# ---------------------------------------------------------------- resize
single("Resize opset 10 scales", "Resize", 10, {"x": [1, 2, 4, 5]}, {"s": F32(1, 1, 2, 3)}, mode="nearest")
single("Resize opset 11 empty roi scales", "Resize", 11, {"x": [1, 2, 4, 5]}, {"roi": np.zeros([0], np.float32), "s": F32(1, 1, 2, 2)}, mode="linear")
single("Resize opset 11 empty roi sizes", "Resize", 11, {"x": [1, 2, 4, 5]},
       {"roi": np.zeros([0], np.float32), "s": np.zeros([0], np.float32), "sz": I64(1, 2, 7, 9)}, mode="linear")
single("Resize opset 13 scales no roi", "Resize", 13, {"x": [1, 3, 5, 6]}, {"s": F32(1, 1, 2, 0.5)}, ins=("x", "", "s"), mode="nearest")
single("Resize opset 13 sizes only", "Resize", 13, {"x": [1, 3, 5, 6]}, {"sz": I64(1, 3, 8, 3)}, ins=("x", "", "", "sz"), mode="cubic")
single("Resize opset 13 fractional scales", "Resize", 13, {"x": [1, 3, 5, 7]}, {"s": F32(1, 1, 1.5, 1.3)}, ins=("x", "", "s"), mode="linear",
       coordinate_transformation_mode="align_corners")
single("Resize opset 13 empty roi tensor", "Resize", 13, {"x": [2, 3, 4, 4]}, {"roi": np.zeros([0], np.float32), "s": F32(1, 1, 3, 3)})
single("Resize opset 13 3-D", "Resize", 13, {"x": [1, 2, 5]}, {"s": F32(1, 1, 2.5)}, ins=("x", "", "s"), mode="nearest", nearest_mode="floor")
single("Upsample opset 9", "Upsample", 9, {"x": [1, 2, 3, 4]}, {"s": F32(1, 1, 2, 3)}, mode="nearest")
single("Upsample opset 7 scales attr", "Upsample", 7, {"x": [1, 2, 3, 4]}, scales=[1.0, 1.0, 2.0, 2.0], mode="linear")
single("DepthToSpace DCR", "DepthToSpace", 13, {"x": [1, 8, 3, 4]}, blocksize=2)
single("DepthToSpace CRD", "DepthToSpace", 13, {"x": [2, 18, 2, 3]}, blocksize=3, mode="CRD")
single("SpaceToDepth", "SpaceToDepth", 13, {"x": [1, 2, 6, 4]}, blocksize=2)

# ---------------------------------------------------------------- pad, slice, split
single("Pad opset 2 pads attr", "Pad", 2, {"x": [1, 2, 4, 5]}, pads=[0, 0, 1, 2, 0, 0, 3, 4], value=0.5)
single("Pad opset 2 reflect", "Pad", 2, {"x": [1, 2, 4, 5]}, pads=[0, 0, 1, 1, 0, 0, 1, 1], mode="reflect")
single("Pad opset 11 pads input", "Pad", 11, {"x": [1, 2, 4, 5]}, {"pads": I64(0, 1, 2, 3, 0, 1, 0, 1), "cv": SF(1.0)})
single("Pad opset 11 negative pads", "Pad", 11, {"x": [2, 6, 7]}, {"pads": I64(0, -1, 2, 0, -2, -3)})
single("Pad opset 13 edge", "Pad", 13, {"x": [3, 4]}, {"pads": I64(1, 2, 3, 4)}, mode="edge")
single("Pad opset 18 axes", "Pad", 18, {"x": [1, 2, 4, 5]}, {"pads": I64(1, 2, 3, 4), "cv": SF(0.0), "axes": I64(2, -1)},
       numpy_ref=lambda a: [np.pad(a[0], [(0, 0), (0, 0), (1, 3), (2, 4)]).shape])
single("Slice opset 1 attrs", "Slice", 1, {"x": [4, 6, 8]}, starts=[1, 2], ends=[3, 100], axes=[0, 2])
single("Slice opset 10 axes", "Slice", 10, {"x": [4, 6, 8]}, {"st": I64(1, -5), "en": I64(4, -1), "ax": I64(1, 2)})
single("Slice steps", "Slice", 13, {"x": [10, 9]}, {"st": I64(1, 0), "en": I64(9, 9), "ax": I64(0, 1), "sp": I64(3, 2)})
single("Slice negative step INT64 ends", "Slice", 13, {"x": [5, 7]}, {"st": I64(-1), "en": I64(INT64_MIN), "ax": I64(1), "sp": I64(-1)})
single("Slice negative step -2", "Slice", 13, {"x": [6, 9]}, {"st": I64(7), "en": I64(0), "ax": I64(1), "sp": I64(-2)})
single("Slice INT64 max end", "Slice", 13, {"x": [3, 8, 5]}, {"st": I64(2), "en": I64(INT64_MAX), "ax": I64(1)})
single("Slice no axes", "Slice", 11, {"x": [6, 5]}, {"st": I64(1, 1), "en": I64(5, 3)})
single("Slice clamped start", "Slice", 13, {"x": [4, 5]}, {"st": I64(-10), "en": I64(100), "ax": I64(-1), "sp": I64(2)})
single("Split opset 2 split attr", "Split", 2, {"x": [2, 10]}, outs=("a", "b", "c"), axis=1, split=[2, 3, 5])
single("Split opset 11 equal", "Split", 11, {"x": [6, 4]}, outs=("a", "b", "c"))
single("Split opset 13 split input", "Split", 13, {"x": [2, 3, 9]}, {"s": I64(4, 5)}, outs=("a", "b"), axis=-1)
single("Split opset 13 equal axis 1", "Split", 13, {"x": [2, 6, 3]}, outs=("a", "b"), axis=1)
# opset 18: chunks of ceil(7 / 3) = 3, the last one smaller (not numpy.array_split's 3, 2, 2)
single("Split opset 18 num_outputs uneven", "Split", 18, {"x": [2, 7]}, outs=("a", "b", "c"), axis=1, num_outputs=3,
       numpy_ref=lambda a: [a[0][:, 0:3].shape, a[0][:, 3:6].shape, a[0][:, 6:7].shape])
single("Split opset 18 num_outputs even", "Split", 18, {"x": [6, 2]}, outs=("a", "b"), num_outputs=2,
       numpy_ref=lambda a: [s.shape for s in np.split(a[0], 2)])
single("Squeeze opset 11 axes attr", "Squeeze", 11, {"x": [1, 3, 1, 4]}, axes=[0, -2])
single("Squeeze opset 1 no axes", "Squeeze", 1, {"x": [1, 3, 1, 4, 1]}, numpy_ref=lambda a: [np.squeeze(a[0]).shape])
single("Squeeze opset 13 axes input", "Squeeze", 13, {"x": [2, 1, 3, 1]}, {"axes": I64(-1)})
single("Squeeze opset 13 no axes", "Squeeze", 13, {"x": [1, 2, 1]})
single("Unsqueeze opset 11 axes attr", "Unsqueeze", 11, {"x": [3, 4]}, axes=[0, 3])
single("Unsqueeze opset 1 axes attr", "Unsqueeze", 1, {"x": [3, 4]}, axes=[1])
single("Unsqueeze opset 13 axes input", "Unsqueeze", 13, {"x": [3, 4]}, {"axes": I64(-1, 1)})
single("Unsqueeze opset 13 scalar axis", "Unsqueeze", 13, {"x": [3, 4]}, {"axes": S64(0)})
single("Transpose perm", "Transpose", 13, {"x": [2, 3, 4, 5]}, perm=[0, 2, 3, 1])
single("Transpose default reverse", "Transpose", 13, {"x": [2, 3, 4]})
single("Reshape 0 and -1", "Reshape", 13, {"x": [2, 3, 4, 5]}, {"s": I64(0, -1, 10)})
single("Reshape flatten -1", "Reshape", 5, {"x": [2, 3, 4]}, {"s": I64(-1)})
single("Reshape copy 0 middle", "Reshape", 14, {"x": [2, 3, 4]}, {"s": I64(2, 0, 2, -1)})
single("Reshape allowzero", "Reshape", 14, {"x": [2, 3, 4]}, {"s": I64(4, 6)}, allowzero=1)
single("Flatten axis 0", "Flatten", 13, {"x": [2, 3, 4]}, axis=0)
single("Flatten axis 2", "Flatten", 13, {"x": [2, 3, 4, 5]}, axis=2)
single("Flatten axis -1", "Flatten", 13, {"x": [2, 3, 4, 5]}, axis=-1)
single("Flatten default", "Flatten", 9, {"x": [2, 3, 4, 5]})
single("Concat axis 1", "Concat", 13, {"a": [2, 3, 4], "b": [2, 5, 4]}, {"c": W(2, 1, 4)}, axis=1)
single("Concat axis -1", "Concat", 11, {"a": [2, 3], "b": [2, 4]}, axis=-1)
single("Concat opset 4 axis 0", "Concat", 4, {"a": [2, 3], "b": [1, 3]}, axis=0)
single("ReverseSequence", "ReverseSequence", 10, {"x": [4, 3, 5]}, {"l": I64(1, 2, 4)}, batch_axis=1, time_axis=0)
single("Dropout opset 13 with mask", "Dropout", 13, {"x": [2, 3, 4]}, {"r": SF(0.3)}, outs=("y", "mask"))
single("Dropout opset 7", "Dropout", 7, {"x": [2, 3]}, ratio=0.2)
single("Dropout opset 10 mask", "Dropout", 10, {"x": [2, 5]}, outs=("y", "mask"))

# ---------------------------------------------------------------- recurrent
H, IN, SEQ, B = 3, 2, 5, 2
for cell, gates in [("LSTM", 4), ("GRU", 3), ("RNN", 1)]:
    for direction, dirs in [("forward", 1), ("reverse", 1), ("bidirectional", 2)]:
        outs = ("Y", "Y_h", "Y_c") if cell == "LSTM" else ("Y", "Y_h")
        extra = {"linear_before_reset": 1} if cell == "GRU" and direction == "reverse" else {}
        single(f"{cell} {direction}", cell, 14, {"x": [SEQ, B, IN]},
               {"w": W(dirs, gates * H, IN), "r": W(dirs, gates * H, H), "b": W(dirs, 2 * gates * H)},
               outs=outs, hidden_size=H, direction=direction, layout=0, **extra)
single("LSTM opset 7 Y_h only", "LSTM", 7, {"x": [SEQ, B, IN]}, {"w": W(1, 4 * H, IN), "r": W(1, 4 * H, H)},
       ins=("x", "w", "r"), outs=("", "Y_h"), hidden_size=H)
single("GRU layout 1", "GRU", 14, {"x": [B, SEQ, IN]}, {"w": W(2, 3 * H, IN), "r": W(2, 3 * H, H)},
       ins=("x", "w", "r"), outs=("Y", "Y_h"), hidden_size=H, direction="bidirectional", layout=1)
single("LSTM layout 1", "LSTM", 14, {"x": [B, SEQ, IN]}, {"w": W(1, 4 * H, IN), "r": W(1, 4 * H, H)},
       ins=("x", "w", "r"), outs=("Y", "Y_h", "Y_c"), hidden_size=H, layout=1)

# ---------------------------------------------------------------- quantization
single("QuantizeLinear per-tensor", "QuantizeLinear", 13, {"x": [2, 3, 4]}, {"s": SF(0.1), "z": np.array(3, np.uint8)})
single("QuantizeLinear per-axis int8", "QuantizeLinear", 13, {"x": [2, 3, 4]}, {"s": F32(0.1, 0.2, 0.3), "z": np.array([0, 1, 2], np.int8)}, axis=1)
single("QuantizeLinear opset 10 no zero point", "QuantizeLinear", 10, {"x": [4, 5]}, {"s": SF(0.05)})
single("DequantizeLinear per-tensor", "DequantizeLinear", 13, {"x": ([2, 3, 4], T.UINT8)}, {"s": SF(0.1), "z": np.array(3, np.uint8)})
single("DequantizeLinear per-axis", "DequantizeLinear", 13, {"x": ([2, 3, 4], T.INT8)}, {"s": F32(0.1, 0.2, 0.3, 0.4), "z": np.zeros([4], np.int8)}, axis=-1)
single("DequantizeLinear opset 10 int32", "DequantizeLinear", 10, {"x": ([5], T.INT32)}, {"s": SF(0.5)})
single("DynamicQuantizeLinear", "DynamicQuantizeLinear", 11, {"x": [3, 4]}, outs=("y", "ys", "yz"))
single("QLinearConv", "QLinearConv", 10, {"x": ([1, 2, 7, 7], T.UINT8)},
       {"xs": SF(0.1), "xz": np.array(128, np.uint8), "w": rng.integers(0, 255, [3, 2, 3, 3]).astype(np.uint8), "ws": SF(0.05),
        "wz": np.array(127, np.uint8), "ys": SF(0.2), "yz": np.array(100, np.uint8), "b": np.array([1, -2, 3], np.int32)},
       strides=[2, 2], pads=[1, 1, 1, 1])
single("QLinearConv per-channel int8 group", "QLinearConv", 10, {"x": ([1, 4, 6, 6], T.UINT8)},
       {"xs": SF(0.1), "xz": np.array(128, np.uint8), "w": rng.integers(-100, 100, [4, 2, 3, 3]).astype(np.int8), "ws": F32(0.1, 0.2, 0.3, 0.4),
        "wz": np.zeros([4], np.int8), "ys": SF(0.2), "yz": np.array(100, np.uint8)},
       group=2, auto_pad="SAME_UPPER")
single("ConvInteger", "ConvInteger", 10, {"x": ([1, 2, 6, 5], T.UINT8)},
       {"w": rng.integers(0, 255, [3, 2, 2, 2]).astype(np.uint8), "xz": np.array(128, np.uint8)}, strides=[1, 2], pads=[0, 1, 0, 1])
single("MatMulInteger", "MatMulInteger", 10, {"a": ([2, 3, 4], T.UINT8)},
       {"b": rng.integers(0, 255, [4, 5]).astype(np.uint8), "az": np.array(128, np.uint8), "bz": np.array(128, np.uint8)})
single("QLinearMatMul", "QLinearMatMul", 10, {"a": ([3, 4], T.UINT8)},
       {"as": SF(0.1), "az": np.array(128, np.uint8), "b": rng.integers(0, 255, [4, 6]).astype(np.uint8), "bs": SF(0.1),
        "bz": np.array(128, np.uint8), "ys": SF(0.3), "yz": np.array(10, np.uint8)})

# ---------------------------------------------------------------- elementwise
UNARY = {
    "Relu": (14, {}), "LeakyRelu": (16, {"alpha": 0.2}), "Sigmoid": (13, {}), "Tanh": (13, {}), "Elu": (6, {"alpha": 0.5}),
    "Selu": (6, {"alpha": 1.5, "gamma": 1.1}), "Celu": (12, {"alpha": 2.0}), "Softplus": (1, {}), "Softsign": (1, {}),
    "Mish": (18, {}), "HardSwish": (14, {}), "HardSigmoid": (6, {"alpha": 0.3, "beta": 0.4}), "ThresholdedRelu": (10, {"alpha": 0.7}),
    "Shrink": (9, {"bias": 0.1, "lambd": 0.6}), "Erf": (13, {}), "Sign": (13, {}), "Abs": (13, {}), "Neg": (13, {}), "Exp": (13, {}),
    "Log": (13, {}), "Sqrt": (13, {}), "Reciprocal": (13, {}), "Floor": (13, {}), "Ceil": (13, {}), "Round": (11, {}), "Sin": (7, {}),
    "Cos": (7, {}), "Tan": (7, {}), "Asin": (7, {}), "Acos": (7, {}), "Atan": (7, {}), "Sinh": (9, {}), "Cosh": (9, {}), "Asinh": (9, {}),
    "Acosh": (9, {}), "Atanh": (9, {}), "IsNaN": (13, {}), "IsInf": (10, {"detect_negative": 0}), "Gelu": (20, {}),
}
for op, (opset, attrs) in UNARY.items():
    single(op, op, opset, {"x": [2, 3, 4]}, numpy_ref=lambda a: [a[0].shape], **attrs)
single("Clip opset 6 attrs", "Clip", 6, {"x": [2, 3, 4]}, min=-1.0, max=1.0)
single("Clip opset 11 inputs", "Clip", 11, {"x": [2, 3]}, {"lo": SF(0.0), "hi": SF(6.0)})
single("Clip opset 13 max only", "Clip", 13, {"x": [2, 3]}, {"hi": SF(6.0)}, ins=("x", "", "hi"))
single("PRelu broadcast slope", "PRelu", 16, {"x": [1, 3, 4, 5]}, {"slope": W(3, 1, 1)})
single("Bernoulli", "Bernoulli", 15, {"x": [3, 4]})
single("RandomNormalLike", "RandomNormalLike", 1, {"x": [3, 2]})
for op, opset in [("Add", 14), ("Sub", 14), ("Mul", 14), ("Div", 14), ("Pow", 15)]:
    single(f"{op} broadcast", op, opset, {"a": [2, 1, 4], "b": [3, 1]})
single("Add opset 6 broadcast attr", "Add", 6, {"a": [2, 3, 4]}, {"b": W(3)}, broadcast=1, axis=1)
single("Add opset 7 scalar", "Add", 7, {"a": [2, 3]}, {"b": SF(1.0)})
for op in ["Max", "Min", "Sum", "Mean"]:
    single(f"{op} 3 inputs broadcast", op, 13, {"a": [3, 1, 5], "b": [4, 1]}, {"c": W(1, 4, 5)})
single("Max opset 6 same shape", "Max", 6, {"a": [2, 3], "b": [2, 3]})
for op, opset in [("Equal", 13), ("Greater", 13), ("Less", 13), ("GreaterOrEqual", 16), ("LessOrEqual", 16)]:
    single(f"{op} broadcast", op, opset, {"a": [2, 3, 1]}, {"b": W(1, 4)})
for op in ["And", "Or", "Xor"]:
    single(f"{op} broadcast", op, 7, {"a": ([4, 1], T.BOOL), "b": ([1, 3], T.BOOL)})
single("Not", "Not", 1, {"a": ([2, 3], T.BOOL)})
single("Mod fmod float", "Mod", 13, {"a": [2, 3, 4]}, {"b": W(4)}, fmod=1)
single("Mod int64 broadcast", "Mod", 10, {"a": ([3, 1], T.INT64), "b": ([1, 5], T.INT64)})
single("BitShift left uint8", "BitShift", 11, {"a": ([2, 3], T.UINT8)}, {"b": np.array([1, 2, 3], np.uint8)}, direction="LEFT")
single("BitShift right uint32", "BitShift", 11, {"a": ([4, 1], T.UINT32), "b": ([1, 2], T.UINT32)}, direction="RIGHT")

# ---------------------------------------------------------------- signal, sampling, losses
single("DFT real signal onesided", "DFT", 17, {"x": [2, 16, 1]}, onesided=1)
single("DFT complex axis 1", "DFT", 17, {"x": [2, 8, 2]}, axis=1)
single("DFT dft_length", "DFT", 17, {"x": [1, 10, 1]}, {"n": S64(16)})
single("DFT inverse axis 2", "DFT", 17, {"x": [1, 3, 8, 2]}, axis=2, inverse=1)
# onesided is set explicitly: onnx 1.12's STFT inference reads a missing onesided as 0 (the schema's default is 1)
# and would give frame_length bins instead of frame_length // 2 + 1.
single("STFT onesided window", "STFT", 17, {"x": [1, 64, 1]}, {"step": S64(8), "win": np.hanning(16).astype(np.float32)}, ins=("x", "step", "win"), onesided=1)
single("STFT frame_length two-sided", "STFT", 17, {"x": [2, 40, 1]}, {"step": S64(5), "len": S64(10)}, ins=("x", "step", "", "len"), onesided=0)
single("GridSample", "GridSample", 16, {"x": [1, 3, 8, 8], "g": [1, 5, 6, 2]})
single("GridSample grid initializer", "GridSample", 16, {"x": [2, 2, 4, 4]}, {"g": W(2, 3, 3, 2)}, mode="nearest", padding_mode="border", align_corners=1)
single("NegativeLogLikelihoodLoss none", "NegativeLogLikelihoodLoss", 13, {"x": [3, 5]}, {"t": I64(0, 2, 4)}, reduction="none")
single("NegativeLogLikelihoodLoss mean weighted", "NegativeLogLikelihoodLoss", 13, {"x": [2, 4, 3]}, {"t": I64(0, 1, 2, 3, 0, 1).reshape(2, 3), "w": W(4)})
single("NegativeLogLikelihoodLoss sum 4-D", "NegativeLogLikelihoodLoss", 12, {"x": [2, 3, 2, 2], "t": ([2, 2, 2], T.INT64)}, reduction="sum")
single("SoftmaxCrossEntropyLoss none with log_prob", "SoftmaxCrossEntropyLoss", 13, {"x": [3, 4, 2]}, {"t": I64(0, 1, 2, 3, 0, 1).reshape(3, 2)},
       outs=("loss", "logp"), reduction="none")
single("SoftmaxCrossEntropyLoss mean", "SoftmaxCrossEntropyLoss", 13, {"x": [4, 5]}, {"t": I64(1, 2, 3, 4)})
single("CenterCropPad opset 18", "CenterCropPad", 18, {"x": [5, 4, 3]}, {"s": I64(3, 6)}, axes=[0, 1],
       numpy_ref=lambda a: [tuple(a[1]) + a[0].shape[2:]])
# [N, C * prod(block), L] with L = (4 - 2 + 1) * (5 - 2 + 1) = 12 blocks -> [N, C, 4, 5]
single("Col2Im opset 18", "Col2Im", 18, {"x": [1, 12, 12]}, {"img": I64(4, 5), "blk": I64(2, 2)},
       numpy_ref=lambda a: [(a[0].shape[0], a[0].shape[1] // int(np.prod(a[2])), *a[1])])


# ---------------------------------------------------------------- more edge cases
single("Conv 2-D asymmetric pads", "Conv", 17, {"x": [1, 2, 7, 6]}, {"w": W(3, 2, 3, 3)}, pads=[0, 2, 3, 1], strides=[2, 2])
single("ConvTranspose group dilations output_padding", "ConvTranspose", 17, {"x": [1, 4, 4, 5]}, {"w": W(4, 1, 3, 2)},
       group=2, dilations=[2, 1], strides=[3, 2], output_padding=[2, 1], pads=[1, 0, 0, 1])
single("BatchNormalization training outputs", "BatchNormalization", 15, {"x": [2, 3, 4, 5]},
       {"s": W(3), "b": W(3), "m": W(3), "v": np.abs(W(3))}, outs=("y", "rm", "rv"), training_mode=1)
single("Gather 1-D scalar index", "Gather", 13, {"x": [5]}, {"idx": S64(3)})
single("Squeeze to scalar", "Squeeze", 13, {"x": [1, 1]}, {"axes": I64(0, 1)})
single("Unsqueeze real scalar input", "Unsqueeze", 13, {"x": []}, {"axes": I64(0)})
single("Relu real scalar input", "Relu", 14, {"x": []})
single("Upsample opset 9 fractional", "Upsample", 9, {"x": [1, 2, 5, 3]}, {"s": F32(1, 1, 1.5, 2.5)}, mode="nearest")
single("Einsum with spaces", "Einsum", 12, {"a": [2, 3, 4]}, {"b": W(2, 4, 5)}, equation="bij, bjk -> bik",
       numpy_ref=lambda a: [np.einsum("bij,bjk->bik", *a).shape])
single("Einsum ellipsis broadcast batch", "Einsum", 12, {"a": [2, 1, 3, 4], "b": [1, 5, 4, 6]}, equation="...ij,...jk->...ik",
       numpy_ref=lambda a: [np.einsum("...ij,...jk->...ik", *a).shape])
single("Expand to smaller rank shape", "Expand", 13, {"x": [2, 3, 4]}, {"shape": I64(3, 1)})
single("LSTM sequence_lens initial_h", "LSTM", 14, {"x": [SEQ, B, IN]},
       {"w": W(2, 4 * H, IN), "r": W(2, 4 * H, H), "b": W(2, 8 * H), "sl": np.array([5, 3], np.int32), "h0": W(2, B, H)},
       outs=("Y", "Y_h"), hidden_size=H, direction="bidirectional")
single("GRU Y_h only", "GRU", 14, {"x": [SEQ, B, IN]}, {"w": W(1, 3 * H, IN), "r": W(1, 3 * H, H)}, ins=("x", "w", "r"), outs=("", "Y_h"), hidden_size=H)
single("RNN opset 7 tanh relu", "RNN", 7, {"x": [SEQ, B, IN]}, {"w": W(2, H, IN), "r": W(2, H, H)}, ins=("x", "w", "r"), outs=("Y", "Y_h"),
       hidden_size=H, direction="bidirectional", activations=["Tanh", "Relu"])
single("Flatten 1-D axis 1", "Flatten", 13, {"x": [5]}, axis=1)
single("SpaceToDepth blocksize 3", "SpaceToDepth", 13, {"x": [2, 1, 6, 9]}, blocksize=3)
single("Slice multi-axis negative axes", "Slice", 13, {"x": [4, 6, 8, 3]}, {"st": I64(1, 6, -2), "en": I64(-1, 1, 100), "ax": I64(-4, -2, 1), "sp": I64(1, -2, 1)})
single("Slice INT64 max start negative step", "Slice", 13, {"x": [5, 7]}, {"st": I64(INT64_MAX), "en": I64(2), "ax": I64(0), "sp": I64(-1)})
single("Slice empty result", "Slice", 13, {"x": [5, 7]}, {"st": I64(4), "en": I64(2), "ax": I64(1)})
single("TopK negative axis", "TopK", 11, {"x": [2, 6, 5]}, {"k": I64(3)}, outs=("v", "i"), axis=-2)
single("Unsqueeze unordered axes", "Unsqueeze", 13, {"x": [3, 4]}, {"axes": I64(3, 0)})
single("Concat three inputs", "Concat", 13, {"a": [2, 1, 3], "b": [2, 4, 3]}, {"c": W(2, 2, 3)}, axis=-2)
single("Gemm C column", "Gemm", 13, {"a": [3, 4]}, {"b": W(4, 5), "c": W(3, 1)})
single("Where scalar condition", "Where", 16, {"a": [2, 3], "b": [3]}, {"c": np.array(True)}, ins=("c", "a", "b"))
via_add("Range float fractional", "Range", 11, ["a", "b", "d"], {"a": SF(0.0), "b": SF(1.0), "d": SF(0.3)})
via_add("ConstantOfShape int64 value", "ConstantOfShape", 9, ["s"], {"s": I64(3)}, probe_type=T.INT64,
        value=helper.make_tensor("v", T.INT64, [1], [7]))
single("ArgMax negative axis", "ArgMax", 13, {"x": [2, 3, 4]}, axis=-2, keepdims=0)
single("MaxPool storage_order with Indices", "MaxPool", 12, {"x": [1, 2, 7, 7]}, outs=("y", "idx"), kernel_shape=[3, 3], strides=[2, 2], storage_order=1)
single("Split opset 11 split attr negative axis", "Split", 11, {"x": [2, 7]}, outs=("a", "b"), axis=-1, split=[3, 4])
single("Pad opset 11 reflect no constant", "Pad", 11, {"x": [1, 3, 4, 4]}, {"pads": I64(0, 0, 2, 1, 0, 0, 2, 1)}, mode="reflect")
single("ReduceL2 opset 11 negative axes", "ReduceL2", 11, {"x": [2, 3, 4]}, axes=[-1, -2], keepdims=0)
single("Scatter opset 9", "Scatter", 9, {"x": [3, 4], "u": [2, 4]}, {"idx": I64(0, 1, 2, 0, 1, 2, 0, 1).reshape(2, 4)}, ins=("x", "idx", "u"), axis=0)
single("Multinomial", "Multinomial", 7, {"x": [2, 5]}, sample_size=3)
single("RandomUniformLike", "RandomUniformLike", 1, {"x": [3, 2]})

# Opsets newer than onnx 1.12: shapes by the spec's rule (numpy), checked against onnxruntime when made.
single("Resize opset 18 axes keep_aspect_ratio not_larger", "Resize", 18, {"x": [1, 3, 5, 6]}, {"sz": I64(8, 8)}, ins=("x", "", "", "sz"),
       axes=[2, 3], keep_aspect_ratio_policy="not_larger", numpy_ref=lambda a: [(1, 3, 7, 8)])
single("Resize opset 18 scales axes", "Resize", 18, {"x": [1, 3, 5, 6]}, {"s": F32(2, 0.5)}, ins=("x", "", "s"), axes=[3, 2],
       numpy_ref=lambda a: [(1, 3, 2, 12)])
single("AveragePool opset 19 dilations", "AveragePool", 19, {"x": [1, 2, 9, 9]}, kernel_shape=[3, 3], dilations=[2, 2],
       numpy_ref=lambda a: [(1, 2, 5, 5)])
single("Pad opset 19 wrap", "Pad", 19, {"x": [2, 3]}, {"pads": I64(1, 1, 1, 1)}, mode="wrap", numpy_ref=lambda a: [np.pad(a[0], 1, mode="wrap").shape])
single("DFT opset 20 axis input onesided", "DFT", 20, {"x": [2, 6, 8, 1]}, {"axis": S64(-2)}, ins=("x", "", "axis"), onesided=1,
       numpy_ref=lambda a: [(2, 6, 5, 2)])
single("DFT opset 20 axis input positive", "DFT", 20, {"x": [2, 6, 8, 1]}, {"axis": S64(2)}, ins=("x", "", "axis"), onesided=1,
       numpy_ref=lambda a: [(2, 6, 5, 2)])
single("DFT opset 20 default axis", "DFT", 20, {"x": [2, 6, 8, 2]}, numpy_ref=lambda a: [(2, 6, 8, 2)])
single("AffineGrid 2-D", "AffineGrid", 20, {"theta": [2, 2, 3]}, {"size": I64(2, 3, 4, 5)}, numpy_ref=lambda a: [(2, 4, 5, 2)])
single("DeformConv", "DeformConv", 19, {"x": [1, 2, 5, 5], "off": [1, 18, 3, 3]}, {"w": W(3, 2, 3, 3)}, ins=("x", "w", "off"),
       numpy_ref=lambda a: [(1, 3, 3, 3)])
single("BitwiseAnd broadcast", "BitwiseAnd", 18, {"a": ([3, 1], T.INT32), "b": ([1, 4], T.INT32)}, numpy_ref=typed(T.INT32, lambda a: [np.bitwise_and(*a).shape]))
single("BitwiseNot", "BitwiseNot", 18, {"a": ([2, 3], T.INT32)}, numpy_ref=typed(T.INT32, lambda a: [a[0].shape]))
single("RMSNormalization opset 23", "RMSNormalization", 23, {"x": [2, 3, 4]}, {"s": W(4)}, numpy_ref=lambda a: [a[0].shape])
single("LpPool opset 18 ceil_mode dilations", "LpPool", 18, {"x": [1, 2, 10]}, kernel_shape=[3], strides=[2], dilations=[2], ceil_mode=1,
       numpy_ref=lambda a: [(1, 2, 4)])


# ---------------------------------------------------------------- small chains
case("Conv then Relu then MaxPool chain", "Conv", 13,
     [node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]), node("Relu", ["c"], ["r"]), node("MaxPool", ["r"], ["y"], kernel_shape=[2, 2], strides=[2, 2])],
     {"x": [1, 2, 6, 6]}, {"w": W(3, 2, 3, 3)})
case("Shape Concat Reshape chain", "Reshape", 15,
     [node("Shape", ["x"], ["n"], end=1), node("Concat", ["n", "m1"], ["ns"], axis=0), node("Reshape", ["x", "ns"], ["y"])],
     {"x": [2, 3, 4]}, {"m1": I64(-1)})
case("Shape Concat Expand chain", "Expand", 15,
     [node("Shape", ["x"], ["s"], start=1), node("Concat", ["two", "s"], ["ns"], axis=0), node("Expand", ["x", "ns"], ["y"])],
     {"x": [1, 3, 4]}, {"two": I64(2)})


# ================================================================= driver
def value_info(name, spec):
    shape, elem = (spec, T.FLOAT) if isinstance(spec, list) else spec
    return helper.make_tensor_value_info(name, elem, shape)


def tensor_of(name, array):
    return numpy_helper.from_array(array, name)


def make_model(nodes, inputs, inits, outputs, opset, out_ranks):
    """Graph outputs declare no type at all (out_ranks None, for a first inference), or their element type and
    rank with every dimension unknown: onnx's checker wants a shape there, lcnb must not get one."""
    graph_outputs = []
    for o in outputs:
        if out_ranks is None:
            graph_outputs.append(onnx.ValueInfoProto(name=o))
        else:
            elem, rank = out_ranks[o]
            graph_outputs.append(helper.make_tensor_value_info(o, elem, [None] * rank))
    graph = helper.make_graph(
        nodes, "g", [value_info(n, s) for n, s in inputs.items()], graph_outputs, initializer=[tensor_of(n, a) for n, a in inits.items()]
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="lcnb op_shapes.py")
    model.ir_version = 8 if opset <= 18 else 9
    return model


class Unknown(ValueError):
    """onnx's inference leaves an output's shape, or a dimension of it, unknown."""


def inferred_outputs(model, outputs):
    """{output: shape} with None for a dimension onnx leaves unknown (Unknown without any shape), and {output: (elem, rank)}."""
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    found = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    shapes, types = {}, {}
    for o in outputs:
        v = found.get(o)
        if v is None or not v.type.HasField("tensor_type") or not v.type.tensor_type.HasField("shape"):
            raise Unknown(f"onnx infers no shape for output '{o}'")
        dims = v.type.tensor_type.shape.dim
        shapes[o] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
        types[o] = (v.type.tensor_type.elem_type, len(dims))
    return shapes, types


def op_available(op, opset):
    if opset > onnx.defs.onnx_opset_version():
        return False
    try:
        onnx.defs.get_schema(op, opset, "")
        return True
    except Exception:
        return False


def random_input(spec):
    shape, elem = (spec, T.FLOAT) if isinstance(spec, list) else spec
    if elem == T.BOOL:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if elem in (T.FLOAT, T.DOUBLE):
        return rng.standard_normal(shape).astype(NP_OF[elem])
    return rng.integers(0, 3, shape).astype(NP_OF[elem])


def ref_arrays(n, inputs, inits):
    """The node's input arrays for a numpy_ref: initializers as they are, real inputs random, None for an omitted one."""
    return [None if not i else inits[i] if i in inits else random_input(inputs[i]) for i in n.input]


def build(entry):
    name, op, opset, nodes, inputs, inits, outputs, numpy_ref = entry
    if outputs is None:
        outputs = [o for o in nodes[-1].output if o]
    missing = [n.op_type for n in nodes if not op_available(n.op_type, opset)]
    if missing:
        why = f"onnx {onnx.__version__} (opsets up to {onnx.defs.onnx_opset_version()}) has no {missing[0]} at opset {opset}"
        if numpy_ref is None or len(nodes) != 1:
            raise ValueError(why)
        # Not checkable by this onnx: the shape is numpy's, the model unchecked.
        shapes = {o: [int(d) for d in s] for o, s in zip(outputs, numpy_ref(ref_arrays(nodes[0], inputs, inits)))}
        elem = getattr(numpy_ref, "elem_type", T.FLOAT)
        model = make_model(nodes, inputs, inits, outputs, opset, {o: (elem, len(s)) for o, s in shapes.items()})
        return entry_json(name, op, opset, model, inputs, shapes, f"numpy ({why})")
    reference = "onnx"
    try:
        shapes, types = inferred_outputs(make_model(nodes, inputs, inits, outputs, opset, None), outputs)
        unknown = [o for o, s in shapes.items() if None in s]
        if unknown:
            raise Unknown(f"onnx leaves a dimension of {unknown[0]} unknown: {['?' if d is None else d for d in shapes[unknown[0]]]}")
    except Unknown as e:
        if numpy_ref is None or len(nodes) != 1:
            raise
        ref = numpy_ref(ref_arrays(nodes[0], inputs, inits))
        shapes = {o: [int(d) for d in s] for o, s in zip(outputs, ref)}
        reference = f"numpy ({e})"
        partial = {}
        try:
            partial, types = inferred_outputs(make_model(nodes, inputs, inits, outputs, opset, None), outputs)
        except Unknown:
            types = {}
        for o in outputs:
            known = partial.get(o)
            if known is not None and (len(known) != len(shapes[o]) or any(k is not None and k != d for k, d in zip(known, shapes[o]))):
                raise ValueError(f"numpy's shape {shapes[o]} contradicts onnx's partial {known}")
            if o not in types:
                types[o] = (T.FLOAT, len(shapes[o]))
            types[o] = (types[o][0], len(shapes[o]))
    model = make_model(nodes, inputs, inits, outputs, opset, types)
    onnx.checker.check_model(model)
    if reference == "onnx":
        again, _ = inferred_outputs(model, outputs)
        if again != shapes:
            raise ValueError(f"inference differs once output types are declared: {shapes} vs {again}")
    return entry_json(name, op, opset, model, inputs, shapes, reference)


def entry_json(name, op, opset, model, inputs, shapes, reference):
    out = {
        "name": name,
        "op": op,
        "opset": opset,
        "model": base64.b64encode(model.SerializeToString()).decode("ascii"),
        "inputs": {n: (s if isinstance(s, list) else s[0]) for n, s in inputs.items()},
        "outputs": shapes,
    }
    if reference != "onnx":
        out["reference"] = reference
    return out


def main(argv):
    only = None
    if "--only" in argv:
        i = argv.index("--only")
        only = argv[i + 1]
        del argv[i : i + 2]
    out_path = argv[1] if len(argv) > 1 else DEFAULT_OUT
    names = [c[0] for c in CASES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SystemExit(f"duplicate case names: {sorted(dupes)}")
    cases, skipped = [], 0
    if only and only not in names:
        raise SystemExit(f"no case named {only!r}")
    for entry in CASES:
        if only and entry[0] != only:
            continue
        try:
            cases.append(build(entry))
        except Exception as e:  # noqa: BLE001 - any failure skips the case, with why
            skipped += 1
            print(f"skipped: {entry[0]} ({entry[1]}, opset {entry[2]}): {str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}", file=sys.stderr)
    if only:
        print(json.dumps(cases, indent=1))
        return
    doc = {
        "_about": (
            "Golden output shapes of standard ONNX ops for test/golden/onnx-ops.test.ts, made by "
            "test/golden/reference/op_shapes.py with python3-onnx "
            f"{onnx.__version__} (highest opset {onnx.defs.onnx_opset_version()}): each model is one op (or a short chain) with static "
            "input shapes, constant operands and weights as initializers, and graph outputs that declare no shape; 'outputs' is "
            "onnx.shape_inference.infer_shapes(strict_mode=True, data_prop=True) for each graph output. "
            "Cases with a 'reference' field have numpy's shape instead, where this onnx cannot infer one (Einsum, OneHot, "
            "Compress, opset-18+ ops). "
            f"{len(cases)} cases; {skipped} listed in the script were skipped (op or opset not in this onnx, or a shape onnx cannot infer)."
        ),
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases written to {out_path} ({os.path.getsize(out_path)} bytes); {skipped} skipped", file=sys.stderr)


if __name__ == "__main__":
    main(list(sys.argv))
