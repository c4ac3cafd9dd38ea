/**
 * The `.lcnb` notebook file format (docs/notebook-format.md), VS Code-free: types.ts holds the
 * plain `NotebookDocumentData` and its constants, read.ts the reader, write.ts the writer, and
 * reportPacking.ts the compact form of report outputs inside the file.
 */
export * from './types';
export { decodeNotebook, parseNotebook } from './read';
export { encodeNotebook, serializeNotebook } from './write';
