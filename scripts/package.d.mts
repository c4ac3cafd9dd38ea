// Types of scripts/package.mjs for the TypeScript tests that import it.
export declare const repoRoot: string;
/** The VS Code targets lcnb can be packaged for: those onnxruntime-node ships binaries for. */
export declare function availableTargets(root?: string): string[];
/** .vscodeignore's text for `target`; throws, naming the targets there are, for one without binaries. */
export declare function ignoreFileFor(target: string, root?: string): string;
/** Writes the .vsix for `target`; returns its path. */
export declare function packageVsix(options?: { target?: string; out?: string; root?: string; quiet?: boolean }): string;
