// `qlik raw <get|put|patch|post|delete> <path>`: any endpoint below the server's /api/, with Qlik's flags, and the same
// settings, credentials, retry rules, redaction and errors as every other command. Its own command, not a REST-verb
// declaration: the method and path are arguments, the body comes from one of three flags, and the answer may be
// anything (JSON lists are printed like the generated commands' output, other bodies pass through unchanged).
import { extname } from 'node:path';
import { parseJsonBody, printEmpty, tryJsonBody } from '../../api/response.js';
import { Values } from '../../api/values.js';
import { Command, Directive } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { intervalFlag, quietFlag, rawFlag, retryFlag, type FlagSpec } from '../../cmdutil/flags.js';
import { CliError, FlagError, HttpError } from '../../errors/errors.js';
import type { ApiRequest, ApiResponse } from '../../http/client.js';
import { printIds, printJson, printTable, stripLinks } from '../../iostreams/print.js';
import { PROTOTYPE_KEYS } from '../../text/json.js';
import { inertText } from '../../text/safety.js';

const METHODS = ['get', 'put', 'patch', 'post', 'delete'] as const;

const bodyFlag = {
  name: 'body',
  type: 'string',
  usage: 'The content of the body as a string',
} as const satisfies FlagSpec;
const bodyFileFlag = {
  name: 'body-file',
  type: 'string',
  usage: 'A file path pointing to a file containing the body of the http request',
  completeAs: 'file',
} as const satisfies FlagSpec;
const bodyValuesFlag = {
  name: 'body-values',
  type: 'stringToString',
  usage:
    'A set of key=value pairs that well be compiled into a json object. A dot (.) inside the key is used to traverse into nested objects. The key suffixes :bool or :number can be appended to the key to inject the value into the json structure as boolean or number respectively.',
  defaultText: '[]',
} as const satisfies FlagSpec;
const humanFlag = { name: 'human', type: 'bool', usage: 'Prints IDs and names only' } as const satisfies FlagSpec;
const outputFileFlag = {
  name: 'output-file',
  type: 'string',
  usage: 'A file path pointing to where the response body should be written',
  completeAs: 'file',
} as const satisfies FlagSpec;
const queryFlag = {
  name: 'query',
  type: 'stringToString',
  usage: 'Query parameters specified as key=value pairs separated by comma',
  defaultText: '[]',
} as const satisfies FlagSpec;

const RAW_FLAGS: readonly FlagSpec[] = [
  bodyFlag,
  bodyFileFlag,
  bodyValuesFlag,
  humanFlag,
  intervalFlag,
  outputFileFlag,
  queryFlag,
  quietFlag,
  rawFlag,
  retryFlag,
];

/** `v1/items`, `/v1/items`, `api/v1/items` and `/api/v1/items` all name `/api/v1/items`; nothing may leave /api/. */
export function apiPath(raw: string): { path: string; query: [string, string][] } {
  // The URL parser deletes TAB, LF and CR anywhere (`.\t.` becomes `..`): control characters are refused outright.
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(raw);
  if (control) {
    throw new FlagError(
      `path ${JSON.stringify(raw)}: has a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) {
    throw new FlagError(`path ${JSON.stringify(raw)}: give a path below the server's /api/ (e.g. v1/items), not a URL`);
  }
  const q = raw.indexOf('?');
  const pathPart = q === -1 ? raw : raw.slice(0, q);
  const query = q === -1 ? [] : [...new URLSearchParams(raw.slice(q + 1)).entries()];
  let rest = pathPart.replace(/^\/+/, '');
  if (rest === 'api' || rest.startsWith('api/')) rest = rest.slice(4);
  const segments = rest.split('/');
  for (const seg of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw new FlagError(`path ${JSON.stringify(raw)}: bad percent-encoding in ${JSON.stringify(seg)}`);
    }
    if (decoded === '..' || decoded === '.' || decoded.includes('/') || decoded.includes('\\')) {
      throw new FlagError(`path ${JSON.stringify(raw)}: must stay below the server's /api/ ("${seg}" is not allowed)`);
    }
  }
  if (rest === '') throw new FlagError('path: give the endpoint below /api/, e.g. v1/items');
  // What the URL parser makes of it must still be below /api/ (the check above is on the text; this one on the URL).
  if (!new URL(`/api/${rest}`, 'http://h').pathname.startsWith('/api/')) {
    throw new FlagError(`path ${JSON.stringify(raw)}: must stay below the server's /api/`);
  }
  return { path: `/api/${rest}`, query };
}

/** `--body-values a.b=1,n:number=2,t:bool=true` → `{"a":{"b":"1"},"n":2,"t":true}`. */
export function bodyFromValues(values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, rawValue] of Object.entries(values)) {
    let key = rawKey;
    let value: unknown = rawValue;
    if (key.endsWith(':bool')) {
      key = key.slice(0, -5);
      if (rawValue !== 'true' && rawValue !== 'false')
        throw new FlagError(`--body-values: ${rawKey}: ${JSON.stringify(rawValue)} is not true or false`);
      value = rawValue === 'true';
    } else if (key.endsWith(':number')) {
      key = key.slice(0, -7);
      const n = Number(rawValue);
      if (rawValue.trim() === '' || !Number.isFinite(n))
        throw new FlagError(`--body-values: ${rawKey}: ${JSON.stringify(rawValue)} is not a number`);
      value = n;
    }
    const parts = key.split('.');
    if (parts.some((p) => p === ''))
      throw new FlagError(`--body-values: ${JSON.stringify(rawKey)} has an empty key part`);
    const proto = parts.find((p) => PROTOTYPE_KEYS.includes(p));
    if (proto !== undefined)
      throw new FlagError(`--body-values: the key ${JSON.stringify(proto)} is not allowed in a request body`);
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === undefined) node[part] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next))
        throw new FlagError(
          `--body-values: ${JSON.stringify(rawKey)} goes into ${JSON.stringify(part)}, which has a value already`,
        );
      node = node[part] as Record<string, unknown>;
    }
    const last = parts.at(-1) ?? '';
    if (last in node) throw new FlagError(`--body-values: ${JSON.stringify(rawKey)} is given twice`);
    node[last] = value;
  }
  return out;
}

function isJson(text: string): boolean {
  return tryJsonBody(text) !== undefined;
}

/** The request body and its content type from --body, --body-file or --body-values (one of them at most). */
async function requestBody(f: Factory, values: Values): Promise<ApiRequest['rawBody']> {
  const body = values.get(bodyFlag);
  const file = values.get(bodyFileFlag);
  const fields = values.get(bodyValuesFlag);
  const given = [body !== undefined, file !== undefined, fields !== undefined && Object.keys(fields).length > 0].filter(
    Boolean,
  ).length;
  if (given > 1) throw new FlagError('only one of --body, --body-file and --body-values can be used at one time');
  if (body !== undefined) return { data: body, contentType: isJson(body) ? 'application/json' : 'text/plain' };
  if (fields !== undefined && Object.keys(fields).length > 0)
    return { data: JSON.stringify(bodyFromValues(fields)), contentType: 'application/json' };
  if (file === undefined) return undefined;
  const ext = extname(file).toLowerCase();
  if (['.qvf', '.qvw', '.qvd', '.qvx'].includes(ext)) {
    const { readRegularFile } = await import('../../fsutil/readfile.js');
    return { data: await readRegularFile(file, `--body-file ${file}`), contentType: 'binary/octet-stream' };
  }
  const { readBodyText } = await import('../../api/body.js');
  const { text } = await readBodyText(file, f.io, '--body-file');
  return { data: text, contentType: ext === '.json' || isJson(text) ? 'application/json' : 'text/plain' };
}

function isText(res: ApiResponse): boolean {
  const type = (res.headers['content-type'] ?? '').toLowerCase();
  if (type === '' || /json|text\/|xml|javascript|x-www-form-urlencoded/.test(type)) return !res.bytes.includes(0);
  return false;
}

export function newCmdRaw(f: Factory): Command {
  return new Command({
    use: 'raw <get|put|patch|post|delete> <path>',
    short: 'Send HTTP Request to Qlik Cloud',
    long: 'Send HTTP Request to Qlik Cloud. Query parameters are specified using the --query flag, a body can be specified using one of the body flags (body, body-file or body-values)',
    example: 'qlik raw get v1/items --query name=ImportantApp',
    flags: RAW_FLAGS,
    completeArgs: ({ args, toComplete }) =>
      Promise.resolve(
        args.length === 0
          ? {
              candidates: METHODS.filter((m) => m.startsWith(toComplete)).map((value) => ({ value })),
              directive: Directive.NoFileComp,
            }
          : { candidates: [], directive: Directive.NoFileComp },
      ),
    run: async (inv) => {
      const values = await Values.of(f, inv, RAW_FLAGS);
      if (inv.args.length !== 2) throw new FlagError(`accepts 2 arg(s), received ${inv.args.length}`);
      const [rawMethod = '', rawPath = ''] = inv.args;
      const method = rawMethod.toLowerCase();
      if (!(METHODS as readonly string[]).includes(method))
        throw new FlagError(`invalid method ${JSON.stringify(rawMethod)}: use one of ${METHODS.join(', ')}`);
      const { path, query } = apiPath(rawPath);
      for (const [k, v] of Object.entries(values.get(queryFlag) ?? {})) query.push([k, v]);
      const rawBody = await requestBody(f, values);
      if (rawBody !== undefined && method === 'get') throw new FlagError('a GET request cannot have a body');
      const retry = values.retryPolicy();
      const output = values.get(outputFileFlag);
      const quiet = values.get(quietFlag) === true;
      const human = values.get(humanFlag) === true;
      const keepRaw = values.get(rawFlag) === true;
      if (output === '') throw new FlagError('--output-file: the path is empty');
      if (output !== undefined) {
        const problem = await (await import('../../fsutil/output.js')).outputPathProblem(output);
        if (problem) throw new FlagError(`--output-file ${output}: ${problem}`);
      }

      const settings = await f.settings();
      const http = await f.httpClient({ userAgentComment: 'raw' });
      // A POST or PATCH is re-sent after a failure that may have executed it only when the request carries an
      // idempotency key (as Go's HTTP client decides): the user asked for it by sending one.
      const idempotencyKey = Object.keys(settings.headers).some((h) => /^(x-)?idempotency-key$/i.test(h));
      const res = await http.send(
        { method: method.toUpperCase(), path, query, ...(rawBody ? { rawBody } : {}) },
        retry,
        { idempotent: method === 'get' || method === 'put' || method === 'delete' || idempotencyKey },
      );
      if (res.status < 200 || res.status >= 300) throw HttpError.fromResponse(res);

      if (output !== undefined) {
        try {
          const { writeOutputFile } = await import('../../fsutil/output.js');
          await writeOutputFile(output, res.bytes);
        } catch (e) {
          throw new CliError(`--output-file ${output}: cannot write: ${(e as Error).message.split('\n')[0] ?? ''}`);
        }
        return;
      }
      if (res.bytes.length === 0) {
        if (!quiet) await printEmpty(f.io, res, await f.jsonMode());
        return;
      }
      // A body is JSON when its content type says so, or when it parses (then it is parsed once only).
      const jsonType = /json/i.test(res.headers['content-type'] ?? '');
      const sniffed = jsonType ? undefined : tryJsonBody(res.text);
      if (!jsonType && sniffed === undefined) {
        if (!f.io.isStdoutTTY) await f.io.print(res.bytes);
        else if (isText(res)) await f.io.printData(inertText(res.text));
        else throw new CliError('the response is binary; write it to a file with --output-file, or pipe it');
        return;
      }
      if (keepRaw) {
        await f.io.printData(res.text.endsWith('\n') ? res.text : `${res.text}\n`);
        return;
      }
      const body = sniffed !== undefined ? sniffed : parseJsonBody(res);
      const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
      const shown = stripLinks(Array.isArray(data) ? data : body);
      const items = Array.isArray(shown) ? shown : [shown];
      if (quiet) await printIds(f.io, items);
      else if (human) {
        const rows = items.map((i) => {
          const o = (i ?? {}) as { id?: unknown; name?: unknown; description?: unknown };
          const name = o.name ?? o.description ?? '';
          return [
            typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : '',
            typeof name === 'string' ? name : JSON.stringify(name),
          ];
        });
        await printTable(f.io, ['id', 'name'], rows);
      } else await printJson(f.io, shown);
    },
  });
}
