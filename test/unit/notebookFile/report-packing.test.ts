/**
 * Reports are stored without what their graph already says: a notebook written with reports reads
 * back to the same report bytes, the file is much smaller, a report that cannot be rebuilt exactly
 * is stored as it is, and a notebook written before packing reads as before.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeNotebook, encodeNotebook, NotebookCellKind } from '../../../src/notebookFile';
import { packReportText, unpackReportText } from '../../../src/notebookFile/reportPacking';
import { executeCell } from '../../../src/run/execute';
import { outcomeItems } from '../../../src/run/notebook';
import { REPORT_MIME } from '../../../src/run/reportTypes';

const ctx = { provider: 'cpu', baseDir: __dirname };

async function reportText(cell: string): Promise<string> {
  const item = outcomeItems(await executeCell(cell, ctx)).find((i) => i.mime === REPORT_MIME)!;
  return new TextDecoder().decode(item.data);
}

function notebookWith(text: string) {
  return {
    cells: [{ kind: NotebookCellKind.Code, languageId: 'lcnb', value: 'model: x', outputs: [{ items: [{ mime: REPORT_MIME, data: new TextEncoder().encode(text) }] }] }],
  };
}

describe('reports in notebook files', () => {
  it('a compare report is stored packed and reads back byte for byte, in well under two thirds of the bytes', async () => {
    const text = await reportText('compare:\n  models: [mobilenet_v3_small_x1_0, shufflenet_v2_x1_0, ghostnet_x1_0]\n  profile: false');
    const packed = packReportText(text);
    assert.ok(packed.includes('lcnb.packed'));
    assert.equal(unpackReportText(packed), text);
    assert.ok(packed.length < 0.65 * text.length, `${packed.length} bytes packed, ${text.length} as built`);
    const file = encodeNotebook(notebookWith(text) as never);
    const read = decodeNotebook(file);
    assert.equal(new TextDecoder().decode(read.cells[0].outputs![0].items[0].data), text);
    assert.ok(Buffer.from(encodeNotebook(read)).equals(Buffer.from(file)), 'written, read and written again: the same file');
  });

  it('a network report and an .onnx file’s report pack too', async () => {
    for (const cell of ['network: n\ninput: [1, 3, 32, 32]\nlayers:\n  - conv: { out: 8 }\n  - dwconv: { k: 3 }\n  - classifier: { classes: 10 }', 'model: ../../fixtures/onnx/foreign_ops.onnx']) {
      const text = await reportText(cell);
      const packed = packReportText(text);
      assert.ok(packed.includes('lcnb.packed'), cell);
      assert.equal(unpackReportText(packed), text, cell);
    }
  });

  it('a report whose rows do not follow from its graph is stored as it is; an old notebook reads as before', async () => {
    const text = await reportText('model: squeezenet1_1\nprofile: false');
    const edited = JSON.parse(text);
    edited.models[0].summary.layers[0].output = [9, 9, 9];
    const odd = JSON.stringify(edited);
    assert.equal(packReportText(odd), odd);
    assert.equal(unpackReportText(odd), odd);
    for (const notJson of ['not json', '{"models": 3}', '[]']) assert.equal(packReportText(notJson), notJson);
  });
});
