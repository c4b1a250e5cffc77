// Reading response bodies: JSON when there is one, with one clear line when a 2xx body is not JSON; printing the
// status line of an empty one.
import { CliError } from '../errors/errors.js';
import type { ApiResponse } from '../http/client.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { printJson } from '../iostreams/print.js';

/** The parsed JSON body; undefined for an empty body. */
export function parseJsonBody(res: ApiResponse): unknown {
  if (res.text === '') return undefined;
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new CliError(`the server answered ${res.status} ${res.statusText} with a body that is not JSON`);
  }
}

/** The parsed JSON body, or undefined when it is empty or not JSON (never throws). */
export function tryJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `id` of a JSON object, if it has a string one. */
export function idOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** 204 and other empty answers print the status line, as Qlik's CLI does since 2.1.0 (`-q` prints nothing). */
export async function printEmpty(
  io: IOStreams,
  res: Pick<ApiResponse, 'status' | 'statusText'>,
  json: boolean,
): Promise<void> {
  if (json) await printJson(io, { status: res.status, title: res.statusText });
  else await io.printHuman(`${res.status} ${res.statusText}\n`);
}
