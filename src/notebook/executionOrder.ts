/**
 * Jupyter-style execution orders, one counter per open notebook: a run takes the number after the
 * highest the notebook has shown, so a notebook opened from disk (or made by Profile Model…) with
 * [3] in it runs next as [4], and the counter never goes back within a session, not even after
 * Clear All Outputs. VS Code-free, so the counting is tested without an extension host.
 */
export class ExecutionCounters<Notebook extends object> {
  // Weak: a closed notebook's counter goes with its document; reopened, it starts from its cells again.
  private readonly highest = new WeakMap<Notebook, number>();

  /** Raises `notebook`'s counter to the highest of `orders`, the execution orders its cells show. */
  observe(notebook: Notebook, orders: Iterable<number | undefined>): void {
    let high = this.highest.get(notebook) ?? 0;
    for (const order of orders) if (order !== undefined && Number.isSafeInteger(order) && order > high) high = order;
    this.highest.set(notebook, high);
  }

  /** The order of the next cell run in `notebook`, whose cells show `orders` now. */
  next(notebook: Notebook, orders: Iterable<number | undefined>): number {
    this.observe(notebook, orders);
    const order = this.highest.get(notebook)! + 1;
    this.highest.set(notebook, order);
    return order;
  }
}
