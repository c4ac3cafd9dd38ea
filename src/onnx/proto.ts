/** The ONNX protobuf schema (onnx-proto's generated protobufjs code), in one place. */
import { onnx } from 'onnx-proto';

export { onnx };

/** Opset 17: read by onnxruntime, Netron and the ONNX checker alike (GELU is written out in ops). */
export const OPSET = 17;
export const IR_VERSION = 8;
/** Prefix of metadata keys lcnb writes into models it exports. */
export const METADATA_PREFIX = 'lcnb.';
