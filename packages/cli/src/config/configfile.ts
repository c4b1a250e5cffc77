// The `-c config.yml` file: a YAML map whose keys are flag names (global flags, `api-key`, and the running
// command's own flags). A value written exactly as `${NAME}` comes from the environment.
import { ConfigError } from '../errors/errors.js';
import { closest } from '../text/suggest.js';
import { loadYaml } from './yaml.js';
import { readExistingTextFile } from '../fsutil/readfile.js';

export type ConfigValues = Record<string, unknown>;

function substitute(value: unknown, key: string, path: string, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') {
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (!m) return value;
    const name = m[1] ?? '';
    const v = env[name];
    if (v === undefined)
      throw new ConfigError(`config file ${path}: '${key}': environment variable '${name}' not found`);
    return v;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, substitute(v, `${key}.${k}`, path, env)]),
    );
  }
  return value;
}

/** Read and check a config file against the flag names that are valid for the running command. */
export async function loadConfigFile(
  path: string,
  validKeys: readonly string[],
  env: Record<string, string | undefined>,
): Promise<ConfigValues> {
  const text = await readExistingTextFile(path, `config file ${path}`);
  const YAML = await loadYaml();
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    const where = pos ? `${path}:${pos.line}:${pos.col}` : path;
    throw new ConfigError(`config file ${where}: ${first.message.split('\n')[0] ?? 'invalid YAML'}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`config file ${path}: expected a map of flag names to values`);
  }
  const out: ConfigValues = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!validKeys.includes(key)) {
      const hint = closest(key, validKeys);
      throw new ConfigError(
        hint
          ? `config file ${path}: unknown key '${key}': did you mean '${hint}'?`
          : `config file ${path}: unknown key '${key}' (valid keys: ${validKeys.join(', ')})`,
      );
    }
    out[key] = substitute(value, key, path, env);
  }
  return out;
}
