/**
 * lcnb's settings (package.json `contributes.configuration`), read with their types and checked:
 * a value of the wrong type or out of range falls back to the default and is reported once in the
 * log, so a typo in settings.json never reaches the kernel.
 */
import * as vscode from 'vscode';
import { setUserDevices, userDevice } from './core/devices';
import type { Device } from './core/predict';
import { DEFAULT_ACTIVATION_MEMORY_LIMIT_MB } from './run/guard';
import { DEFAULT_HEADLINE, Headline, HEADLINES, MEASURE_DEFAULTS, MEASURE_LIMITS, MeasureSettings, OPTIMIZATION_LEVELS } from './shared/measureSettings';

/** The provider is the one the notebook prefers and Profile Model… proposes. */
export interface LcnbConfig extends Omit<MeasureSettings, 'isolated'> {
  /** Which count headlines a model: MAdds (the papers' "FLOPs") or FLOPs (2 × MAdds + elementwise). */
  readonly headlineFlops: Headline;
  /** Graphs whose activations need more than this are refused before anything is allocated. */
  readonly activationMemoryLimitMB: number;
}

export const DEFAULT_CONFIG: LcnbConfig = {
  ...MEASURE_DEFAULTS,
  headlineFlops: DEFAULT_HEADLINE,
  activationMemoryLimitMB: DEFAULT_ACTIVATION_MEMORY_LIMIT_MB,
};

const LIMITS = {
  ...MEASURE_LIMITS,
  activationMemoryLimitMB: [1, 1_048_576],
} as const;

const reported = new Set<string>();

/** The settings as they apply to `scope` (a notebook's or file's URI), each one checked. */
export function readConfig(log?: vscode.LogOutputChannel, scope?: vscode.Uri): LcnbConfig {
  const c = vscode.workspace.getConfiguration('lcnb', scope);
  const bad = (key: keyof LcnbConfig, value: unknown, why: string) => {
    const line = `setting lcnb.${key} = ${JSON.stringify(value)} ${why}; using ${JSON.stringify(DEFAULT_CONFIG[key])}`;
    if (!reported.has(line)) log?.warn(line);
    reported.add(line);
    return DEFAULT_CONFIG[key];
  };
  const integer = (key: keyof typeof LIMITS) => {
    const value = c.get<unknown>(key, DEFAULT_CONFIG[key]);
    const [min, max] = LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) return bad(key, value, 'is not a whole number') as number;
    if (value < min || value > max) return bad(key, value, `is outside ${min}…${max}`) as number;
    return value;
  };
  const oneOf = <T extends string>(key: keyof LcnbConfig, allowed: readonly T[]): T => {
    const value = c.get<unknown>(key, DEFAULT_CONFIG[key]);
    return allowed.includes(value as T) ? (value as T) : (bad(key, value, `is not one of ${allowed.join(', ')}`) as T);
  };
  const providerValue = c.get<unknown>('provider', DEFAULT_CONFIG.provider);
  const provider =
    typeof providerValue === 'string' && /^[a-z0-9_]+$/i.test(providerValue.trim()) ? providerValue.trim().toLowerCase() : (bad('provider', providerValue, 'is not a provider name') as string);
  return {
    provider,
    threads: integer('threads'),
    runs: integer('runs'),
    warmup: integer('warmup'),
    optimization: oneOf('optimization', OPTIMIZATION_LEVELS),
    headlineFlops: oneOf('headlineFlops', HEADLINES),
    activationMemoryLimitMB: integer('activationMemoryLimitMB'),
  };
}

/**
 * Makes the devices of setting lcnb.devices known to cells (`predict:`) beside the presets. An
 * entry that cannot be a device, or whose id is taken, is left out and said once in the log.
 */
export function applyUserDevices(log?: vscode.LogOutputChannel): void {
  const given = vscode.workspace.getConfiguration('lcnb').get<unknown>('devices', []);
  const devices: Device[] = [];
  const problems: string[] = [];
  for (const [i, entry] of (Array.isArray(given) ? given : []).entries()) {
    const d = userDevice(entry);
    if (typeof d === 'string') problems.push(`lcnb.devices[${i}] ${d}`);
    else devices.push(d);
  }
  if (!Array.isArray(given)) problems.push('lcnb.devices is not a list of devices');
  problems.push(...setUserDevices(devices).map((p) => `lcnb.devices: ${p}`));
  for (const line of problems) {
    if (!reported.has(line)) log?.warn(`setting ${line}; left out`);
    reported.add(line);
  }
}

/** Runs `listener` whenever an lcnb setting changes. */
export function onDidChangeConfig(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('lcnb') && listener());
}

/** The activation-memory limit in bytes, for ExecutionContext and the kernel's guard. */
export function activationMemoryLimitBytes(config: LcnbConfig): number {
  return config.activationMemoryLimitMB * 1024 * 1024;
}
