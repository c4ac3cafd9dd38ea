/**
 * What the commands and the notebook kernels share: the log, the one kernel process of the window,
 * the cell results, the settings, and how a cell is executed with them.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { KernelClient } from '../../kernels/host/client';
import { activationMemoryLimitBytes, LcnbConfig, readConfig } from '../config';
import type { CellResults } from './results';
import type { ExecutionContext } from '../run/execute';

export interface Lcnb {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The profiling kernel process, started on first use; onnxruntime never loads in this host. */
  readonly kernel: () => KernelClient;
  readonly results: CellResults;
}

export function config(lcnb: Lcnb, scope?: vscode.Uri): LcnbConfig {
  return readConfig(lcnb.log, scope);
}

/** Folder that relative paths of a notebook's cells resolve against: its own, else the workspace's. */
export function baseDirOf(uri: vscode.Uri | undefined): string {
  if (uri?.scheme === 'file') return dirname(uri.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

/**
 * How a cell runs: measured with `provider` when given (the caller checked workspace trust),
 * counted only when not; the settings fill in whatever the cell does not name.
 */
export function executionContext(
  lcnb: Lcnb,
  options: { provider: string | undefined; scope?: vscode.Uri; signal?: AbortSignal; onProgress?: (what: string) => void },
): ExecutionContext {
  const c = config(lcnb, options.scope);
  return {
    kernel: options.provider ? lcnb.kernel() : undefined,
    provider: options.provider ?? c.provider,
    defaults: { threads: c.threads, runs: c.runs, warmup: c.warmup, optimization: c.optimization },
    activationMemoryLimitBytes: activationMemoryLimitBytes(c),
    baseDir: baseDirOf(options.scope),
    signal: options.signal,
    onProgress: options.onProgress ?? ((what) => lcnb.log.info(what)),
  };
}
