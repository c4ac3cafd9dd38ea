// Rewrites the op table of docs/onnx-ops.md from lcnb's registry: node --import tsx scripts/ops-table.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opTableMarkdown } from '../src/core/opTable';

export const OPS_DOC = join(__dirname, '..', 'docs', 'onnx-ops.md');
export const BEGIN = '<!-- op table: made by scripts/ops-table.ts from the registry -->';
export const END = '<!-- end of op table -->';

export function withTable(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${OPS_DOC} has no op table markers`);
  return `${doc.slice(0, start + BEGIN.length)}\n${opTableMarkdown()}\n${doc.slice(end)}`;
}

if (require.main === module) writeFileSync(OPS_DOC, withTable(readFileSync(OPS_DOC, 'utf8')));
