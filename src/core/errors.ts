import { formatShape } from '../shared/format';
import { Shape } from './shape';

/** A graph that cannot exist: names the node, its inputs' shapes and the rule it breaks. */
export class GraphError extends Error {
  constructor(
    readonly node: string,
    readonly op: string,
    readonly inputShapes: readonly Shape[],
    readonly rule: string,
  ) {
    const inputs = inputShapes.map(formatShape).join(', ');
    super(`node '${node}' (${op}) with inputs ${inputs || '(none)'}: ${rule}`);
    this.name = 'GraphError';
  }
}

/** A mistake in what the user asked for (unknown model id, bad option), reported as one line. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Whether an error is one the user can act on (a `UserError` or a `GraphError`), shown as its message alone. */
export function isUserFacing(e: unknown): e is UserError | GraphError {
  return e instanceof UserError || e instanceof GraphError;
}
