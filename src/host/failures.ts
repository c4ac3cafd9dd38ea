/** How a command says that something failed: the message to the user, the details to the log. */
import * as vscode from 'vscode';
import { KernelError } from '../../kernels/host/client';
import { GraphError, UserError } from '../core/errors';
import { CellError } from '../lang';
import { CellFailure } from '../run/execute';
import { Lcnb } from './context';

/** Whether `error` is about the user's input or machine (said as is) rather than a bug in lcnb. */
export function isExpected(error: Error): boolean {
  return error instanceof CellFailure || error instanceof UserError || error instanceof KernelError || error instanceof GraphError || error instanceof CellError;
}

/** Shows `title: message` with a Show Log button; an unexpected error goes to the log with its stack. Returns undefined. */
export function failed(lcnb: Lcnb, title: string, e: unknown): undefined {
  const error = e instanceof Error ? e : new Error(String(e));
  if (isExpected(error)) lcnb.log.warn(`${title}: ${error.message}`);
  else lcnb.log.error(`${title}: ${error.stack ?? error.message}`);
  void vscode.window.showErrorMessage(`${title}: ${error.message}`, 'Show Log').then((b) => b && lcnb.log.show());
  return undefined;
}
