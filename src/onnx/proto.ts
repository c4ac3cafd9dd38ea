/** The ONNX protobuf schema (onnx-proto's generated protobufjs code), in one place. */
import { onnx } from 'onnx-proto';

export { onnx };

export const OPSET = 20;
export const IR_VERSION = 8;
/** Prefix of metadata keys lcnb writes into models it exports. */
export const METADATA_PREFIX = 'lcnb.';
