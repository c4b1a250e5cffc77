// The yaml package, loaded on first use, so that commands which never read YAML do not pay for it. Bundled with
// esbuild's code splitting, a dynamic import of this CommonJS package exposes only `default`; unbundled (tests) it has
// named exports. Both shapes are handled here, once. Modules that work on YAML nodes receive the loaded module.
export type YamlModule = typeof import('yaml');

let loading: Promise<YamlModule> | undefined;

export function loadYaml(): Promise<YamlModule> {
  loading ??= import('yaml').then((m) => (m as YamlModule & { default?: YamlModule }).default ?? m);
  return loading;
}
