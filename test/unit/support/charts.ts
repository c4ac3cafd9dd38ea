/** Charts in tests: compile a chart's vega-lite spec, failing on any warning, and draw it to SVG with vega. */
import { strict as assert } from 'node:assert';

interface VegaLite {
  compile(spec: unknown, options?: { logger?: unknown }): { spec: unknown };
}
interface Vega {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
}

let loaded: Promise<{ vl: VegaLite; vega: Vega }> | undefined;
/** vega-lite and vega are ESM only: loaded at run time (the test build is CommonJS), once. */
const libraries = () =>
  (loaded ??= (async () => ({ vl: (await import('vega-lite' as string)) as VegaLite, vega: (await import('vega' as string)) as Vega }))());

/** Compiles `chart.spec` with no vega-lite warning allowed, and returns the SVG vega draws. */
export async function compileAndDraw(chart: { kind: string; spec: unknown }): Promise<string> {
  const { vl, vega } = await libraries();
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  const compiled = vl.compile(chart.spec, { logger });
  assert.deepEqual(warnings, [], `${chart.kind}: vega-lite warnings`);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
