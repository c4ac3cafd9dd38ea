/**
 * The table of every op lcnb counts, with its rules (MAdds, FLOPs, MAC), made from the registry so
 * the documentation cannot drift from the code; docs/onnx-ops.md holds it (scripts/ops-table.ts).
 */
import { knownOps, opDef } from './ops';
import { UNCOUNTED_WHY } from './opsStandard';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function opTableMarkdown(): string {
  const rows = knownOps()
    .sort((a, b) => a.localeCompare(b))
    .map((op) => {
      const def = opDef(op)!;
      const mac = def.isView ? '0 (a view: no data moves)' : 'inputs + outputs + weights';
      return `| ${op} | ${cell(def.maddsRule ?? '0')} | ${cell(def.flopsRule)} | ${mac} |`;
    });
  const uncounted = Object.entries(UNCOUNTED_WHY)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, why]) => `| ${op} | ${cell(why)} |`);
  return [
    '| op | MAdds | FLOPs | MAC (elements) |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Standard ops counted by no rule, each listed in a report with why:',
    '',
    '| op | why |',
    '|---|---|',
    ...uncounted,
  ].join('\n');
}
