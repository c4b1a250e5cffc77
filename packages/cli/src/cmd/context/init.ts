// `qlik context init`: Qlik's interactive set-up, prompt for prompt and blank line for blank line (so answers scripted
// for Qlik's CLI go to the right question): the tenant URL, API key (A) or OAuth (O), then the key or the client id and
// secret (hidden on a terminal). The context is saved, made current and checked with GET /api/v1/users/me; if the
// check fails it is removed again and the previous current context restored. (io.warn adds a final newline only when
// the text has none, so the blank lines of the transcript are spelled out.)
import { tryJsonBody } from '../../api/response.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { readContexts, type QlikContext } from '../../config/contexts.js';
import { isPlainObject } from '../../config/nodes.js';
import { normalizeServer } from '../../config/server.js';
import { CancelledError, CliError, HttpError, TransportError } from '../../errors/errors.js';
import { writeContexts } from './shared.js';

function alreadyExists(name: string): CliError {
  return new CliError(`Context '${name}' already exists`);
}

function describeFailure(e: unknown, server: string, credential: string): string {
  if (e instanceof TransportError) return `could not reach ${server}: ${e.message}`;
  if (e instanceof HttpError && (e.status === 401 || e.status === 403))
    return `${server} rejected the ${credential} (${e.status} ${e.statusText})`;
  if (e instanceof HttpError) return `${server} answered ${e.status} ${e.statusText}`;
  return (e as Error).message;
}

function parseUser(text: string): { name?: unknown; email?: unknown } | undefined {
  const v = tryJsonBody(text);
  return isPlainObject(v) ? v : undefined;
}

export function newCmdContextInit(f: Factory): Command {
  return new Command({
    use: 'init <context name>',
    short: 'Set up access to Qlik Cloud',
    long: 'Set up access to Qlik Cloud by entering the domain name and the api key of the Qlik Sense instance. If no context name is supplied the domain name is used as context name',
    args: { min: 0, max: 1 },
    run: async ({ args, flags }) => {
      const path = f.contextsPath();
      const given = args[0];
      // The name is checked before anything is asked.
      if (given !== undefined && (await readContexts(path)).get(given) !== undefined) throw alreadyExists(given);
      // node:readline is loaded only when init runs, not on every start.
      const { newPrompter } = await import('../../iostreams/prompt.js');
      const p = newPrompter(f.io);
      let server: string;
      let name: string;
      let fields: QlikContext;
      let credential: string;
      try {
        f.io.warn('Acquiring access to Qlik Cloud\n\n');
        f.io.warn('Specify your tenant URL, usually in the form: https://<tenant>.<region>.qlikcloud.com');
        f.io.warn('Where <tenant> is the name of the tenant and <region> is eu, us, ap, etc...');
        server = normalizeServer(await p.ask('Enter tenant url: '), 'tenant url');
        // The default name keeps the port, so that two local servers do not collide.
        name = given ?? new URL(server).host;
        if (given === undefined && (await readContexts(path)).get(name) !== undefined) throw alreadyExists(name);
        f.io.warn(
          'Specify what type of authentication that should be used i.e API-Key (A) or OAuth (O). Default is API-Key (A).',
        );
        const kind = (await p.ask('A/O?: ')).trim();
        if (!['', 'a', 'A', 'o', 'O'].includes(kind))
          throw new CliError(`A/O?: answer A (API key) or O (OAuth), not ${JSON.stringify(kind)}`);
        if (kind === 'o' || kind === 'O') {
          f.io.warn('\nTo complete this setup you have to have a Client ID and Client Secret for OAuth.');
          f.io.warn(
            'If you are unsure, you can ask your tenant-admin or go to https://qlik.dev/libraries-and-tools/qlik-cli#get-started.\n\n',
          );
          const clientId = await p.ask('Client ID: ');
          f.io.warn('\n\n');
          const clientSecret = await p.askSecret('Client Secret: ');
          if (clientId === '' || clientSecret === '' || /[\r\n\0]/.test(clientId + clientSecret))
            throw new CliError('the client ID and client secret must not be empty');
          f.redactor.addSecret(clientSecret);
          fields = { server, 'oauth-client-id': clientId, 'oauth-client-secret': clientSecret };
          credential = 'OAuth client';
        } else {
          f.io.warn(`\nTo generate a new API-key, go to ${server}/settings/api-keys\n\n`);
          const apiKey = await p.askSecret('API-key: ');
          if (apiKey === '' || /[\r\n\0]/.test(apiKey)) throw new CliError('the API key is empty');
          f.redactor.addSecret(apiKey);
          fields = { server, headers: { Authorization: `Bearer ${apiKey}` } };
          credential = 'API key';
        }
      } finally {
        p.close();
      }
      const insecure = flags.get('insecure') === true;
      if (insecure) fields.insecure = true;
      let previous = '';
      await writeContexts(f, (doc) => {
        previous = doc.current;
        doc.create(name, fields);
        doc.current = name;
      });
      let who: string;
      try {
        const http = await f.httpClientFor({
          server,
          headers: fields.headers ?? {},
          insecure,
          oauth:
            fields['oauth-client-id'] !== undefined
              ? {
                  clientId: fields['oauth-client-id'],
                  clientSecret: fields['oauth-client-secret'] ?? '',
                  scope: undefined,
                  contextName: name,
                }
              : undefined,
        });
        const res = await http.send({ method: 'GET', path: '/api/v1/users/me' }, { retry: 1, intervalSeconds: 1 });
        if (res.status !== 200) throw HttpError.fromResponse(res);
        const me = parseUser(res.text);
        if (me === undefined)
          throw new CliError(`${server}/api/v1/users/me answered with something that is not a user`);
        who =
          typeof me.name === 'string' && me.name !== ''
            ? me.name
            : typeof me.email === 'string' && me.email !== ''
              ? me.email
              : 'there';
      } catch (e) {
        const { updateContexts } = await import('../../config/transaction.js');
        await updateContexts(path, (doc) => {
          if (doc.has(name)) doc.remove(name);
          if (previous !== '' && doc.has(previous)) doc.current = previous;
        });
        // Interrupted (Ctrl-C): the context is gone all the same, and the exit code stays the signal's.
        if (e instanceof CancelledError)
          throw new CancelledError(e.signal, `${e.message}; context '${name}' was not saved`);
        throw new CliError(`${describeFailure(e, server, credential)}; context '${name}' was not saved`);
      }
      await f.io.printHuman(
        `Welcome ${who}, everything is now set up.\nContext '${name}' was created and is now the current context.\n`,
      );
    },
  });
}
