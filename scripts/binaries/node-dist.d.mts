// Types of node-dist.mjs, for the TypeScript tests that use it.
export declare const NODE_VERSION: string;
export type Target = 'linux-x64' | 'linux-arm64' | 'win-x64';
export declare const TARGETS: Record<Target, { pkg: string; file: string; exe: string }>;
export declare function cacheDir(): string;
export declare function nodeBinaryPath(target: Target, version?: string): string;
export declare function nodeBinary(target: Target, version?: string): string;
