import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../cmdutil/errors.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { updateContexts } from '../../config/contexts.js';
import { normalizeServer } from '../../config/resolve.js';
import type { IOStreams } from '../../iostreams/iostreams.js';
import type { Prompter } from '../../iostreams/prompt.js';

export interface InitContextOptions {
  io: IOStreams;
  path: string;
  name: string | undefined;
  insecure: boolean;
  prompter: () => Promise<Prompter>;
  /** Returns the user's name, or throws. */
  verify: (server: string, apiKey: string, insecure: boolean) => Promise<string>;
}

export function newCmdContextInit(f: Factory, runF: (o: InitContextOptions) => Promise<void> = runContextInit): Command {
  return newLeaf(
    {
      use: 'init <context name>',
      short: 'Set up access to Qlik Cloud',
      long: 'Set up access to Qlik Cloud by entering the domain name and the api key of the Qlik Sense instance. If no context name is supplied the domain name is used as context name',
    },
    { min: 0, max: 1 },
    [],
    (args, cmd) =>
      runF({
        io: f.io,
        path: f.contextsPath(),
        name: args[0],
        insecure: cmd.optsWithGlobals<{ insecure?: boolean }>().insecure === true,
        // node:readline and the HTTP client are loaded only when init runs, not on every start.
        prompter: async () => (await import('../../iostreams/prompt.js')).newPrompter(f.io),
        verify: async (server, apiKey, insecure) => {
          f.redactor.addSecret(apiKey);
          const { HttpClient } = await import('../../http/client.js');
          const http = new HttpClient({
            server,
            headers: { Authorization: `Bearer ${apiKey}` },
            insecure,
            verbose: false,
            io: f.io,
            redactor: f.redactor,
            env: f.env,
          });
          try {
            const res = await http.send({ method: 'GET', path: '/api/v1/users/me' }, { retry: 1, intervalSeconds: 1 });
            if (res.status !== 200) throw new CliError(`${res.status} ${res.statusText}`);
            const me = JSON.parse(res.text) as { name?: unknown; email?: unknown };
            return typeof me.name === 'string' && me.name !== '' ? me.name : typeof me.email === 'string' ? me.email : 'there';
          } finally {
            await http.close();
          }
        },
      }),
  );
}

export async function runContextInit(o: InitContextOptions): Promise<void> {
  const p = await o.prompter();
  let server: string;
  let name: string;
  let apiKey: string;
  try {
    o.io.warn('Acquiring access to Qlik Cloud\n');
    o.io.warn('Specify your tenant URL, usually in the form: https://<tenant>.<region>.qlikcloud.com');
    o.io.warn('Where <tenant> is the name of the tenant and <region> is eu, us, ap, etc...');
    const url = await p.ask('Enter tenant url: ');
    server = normalizeServer(url, 'tenant url');
    name = o.name ?? new URL(server).hostname;
    o.io.warn(`\nTo generate a new API-key, go to ${server}/settings/api-keys\n`);
    apiKey = await p.askSecret('API-key: ');
  } finally {
    p.close();
  }
  if (apiKey === '' || /[\r\n\0]/.test(apiKey)) throw new CliError('the API key is empty');
  let previous = '';
  await updateContexts(o.path, (doc) => {
    previous = doc.current;
    doc.create(name, { server, headers: { Authorization: `Bearer ${apiKey}` }, ...(o.insecure ? { insecure: true } : {}) });
    doc.current = name;
  });
  let who: string;
  try {
    who = await o.verify(server, apiKey, o.insecure);
  } catch (e) {
    await updateContexts(o.path, (doc) => {
      if (doc.has(name)) doc.remove(name);
      if (previous !== '' && doc.has(previous)) doc.current = previous;
    });
    throw new CliError(`could not verify access to ${server} (${(e as Error).message}); the API key may be faulty. Context '${name}' was not saved`);
  }
  await o.io.print(`Welcome ${who}, everything is now set up.\n`);
}
