// Where the contexts file and the OAuth token cache live. Kept apart from contexts.ts so that knowing the path costs
// nothing at start-up.
import { dirname, resolve } from 'node:path';

/** Where the contexts file lives: `$QLIK_CLI_USER_HOME_DIR/.qlik/contexts.yml`, or `~/.qlik/contexts.yml`. */
export function contextsFilePath(env: Record<string, string | undefined>, homedir: string): string {
  const override = env.QLIK_CLI_USER_HOME_DIR;
  if (override !== undefined && override.trim() !== '') {
    // Qlik documents the variable both as a home directory and as the file itself; accept both.
    if (/\.ya?ml$/i.test(override)) return resolve(override);
    return resolve(override, '.qlik', 'contexts.yml');
  }
  return resolve(homedir, '.qlik', 'contexts.yml');
}

/** The OAuth token cache, next to the contexts file. */
export function tokenCachePath(contextsPath: string): string {
  return resolve(dirname(contextsPath), 'oauth-tokens.json');
}
