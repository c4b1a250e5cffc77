// Small helpers shared by the emulator tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CallResponse, Emulator } from '../../../test/kit/emulator.js';

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Decodes a JWT segment (0 = header, 1 = payload) as raw JSON text, preserving key order. */
export function jwtPart(token: string, index: 0 | 1): string {
  return Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8');
}

export interface QlikErrorJson {
  code: string;
  title: string;
  detail?: string;
  status?: number | string;
  source: { pointer?: string; parameter?: string };
}

/** Asserts a Qlik error response and returns its first error. */
export function expectError(res: CallResponse, status: number, code?: string | RegExp): QlikErrorJson {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Array.isArray(res.body?.errors)).toBe(true);
  expect(typeof res.body.traceId).toBe('string');
  const error = res.body.errors[0] as QlikErrorJson;
  if (code !== undefined) expect(error.code).toMatch(code);
  expect(typeof error.title).toBe('string');
  return error;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RawResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  received: Buffer;
  error?: string;
}

/**
 * A request on a fresh connection (HTTP or HTTPS) that reports exactly what arrived, even when the
 * connection breaks half-way: the status and headers if a head came, the bytes, and the error.
 */
export function rawRequest(
  emu: Emulator,
  method: string,
  path: string,
  opts: { token: string; body?: unknown; signal?: AbortSignal },
): Promise<RawResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let response: IncomingMessage | undefined;
    const done = (error?: string): void => {
      const result: RawResult = { received: Buffer.concat(chunks) };
      if (response) Object.assign(result, { status: response.statusCode, headers: response.headers });
      if (error !== undefined) result.error = error;
      resolve(result);
    };
    const transport = emu.url.startsWith('https:') ? https : http;
    const req = transport.request(`${emu.url}${path}`, {
      method,
      agent: false,
      ...(emu.caCert === undefined ? {} : { ca: readFileSync(emu.caCert, 'utf8') }),
      ...(opts.signal ? { signal: opts.signal } : {}),
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      response = res;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('close', () => done(res.complete ? undefined : 'incomplete'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!response) done(e.code ?? e.message);
    });
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

/** A page of a list response with HATEOAS links. */
export interface LinkedPage {
  links: { self: { href: string }; next?: { href: string }; prev?: { href: string } };
}

/** Follows links[direction] from `start` until there is none, fetching each page with `fetchPage`. */
export async function walkLinks<P extends LinkedPage>(
  start: string,
  direction: 'next' | 'prev',
  fetchPage: (href: string) => Promise<P>,
): Promise<P[]> {
  const pages: P[] = [];
  let href: string | undefined = start;
  while (href !== undefined) {
    const p = await fetchPage(href);
    pages.push(p);
    href = p.links[direction]?.href;
    expect(pages.length).toBeLessThan(400);
  }
  return pages;
}

/** The emulator's command-line entry point. */
export const BIN = fileURLToPath(new URL('../bin/qlik-emulator.js', import.meta.url));

/** Whether script(1) can give a child a pseudo-terminal here. */
export function hasScript(): boolean {
  try {
    execFileSync('script', ['-qfec', 'true', '/dev/null'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
