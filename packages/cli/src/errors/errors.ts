// The error taxonomy. Commands throw these; only main.ts turns them into text and an exit code.

/** A failure the user can act on; printed as `Error: <message>`, then `Hint: <hint>` when the way out is known. */
export class CliError extends Error {
  override name = 'CliError';
  /** One line with the exact command that helps (printed by main.ts as `Hint: …`, never in JSON mode). */
  hint: string | undefined;
  constructor(message?: string, options?: { hint?: string | undefined }) {
    super(message);
    this.hint = options?.hint;
  }

  /** The same error with a hint. */
  withHint(hint: string | undefined): this {
    this.hint = hint;
    return this;
  }
}

/** Bad flags or arguments (Cobra's usage errors). */
export class FlagError extends CliError {
  override name = 'FlagError';
}

/**
 * An unknown command. Cobra prints its message (with "Did you mean this?" suggestions on the following lines) and
 * then `Run '<path> --help' for usage.`
 */
export class UnknownCommandError extends FlagError {
  override name = 'UnknownCommandError';
  readonly commandPath: string;
  constructor(message: string, commandPath: string) {
    super(message);
    this.commandPath = commandPath;
  }
}

/** A problem with a file the CLI reads: the contexts file, a -c config file or a -f body file. */
export class ConfigError extends CliError {
  override name = 'ConfigError';
}

/**
 * not-sent: nothing reached the server (connection refused, DNS, connect timeout, a proxy that refused the tunnel) —
 * always safe to retry.
 * ambiguous: the request may have been executed (reset after sending, timeout, unreadable response).
 * tls: certificate problems — never retried.
 * fatal: retrying cannot help (the response is larger than the cap) — never retried.
 */
export type FailureKind = 'not-sent' | 'ambiguous' | 'tls' | 'fatal';

/** A network-level failure (connection refused, TLS, timeout, reset), classified by `kind`. */
export class TransportError extends CliError {
  override name = 'TransportError';
  readonly kind: FailureKind;
  /** The system error code (ECONNREFUSED, ECONNRESET, …) when there is one. */
  readonly code: string | undefined;
  /** The status line had arrived when the failure happened (the body could not be read). */
  readonly status: number | undefined;
  constructor(message: string, kind: FailureKind, code?: string, status?: number) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.status = status;
  }
}

/** A non-2xx answer from the server. `body` is the response text (already size-capped). */
export class HttpError extends CliError {
  override name = 'HttpError';
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly contentType: string;
  /** A redirect's target (not followed). */
  location: string | undefined;
  constructor(status: number, statusText: string, body: string, contentType = '') {
    super(`${status} ${statusText}`.trim());
    this.status = status;
    this.statusText = statusText;
    this.body = body;
    this.contentType = contentType;
  }

  static fromResponse(res: {
    status: number;
    statusText: string;
    text: string;
    headers: Record<string, string>;
  }): HttpError {
    const e = new HttpError(res.status, res.statusText, res.text, res.headers['content-type'] ?? '');
    e.location = res.headers.location;
    return e;
  }
}

/** The run was interrupted by a signal; main exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM). */
export class CancelledError extends CliError {
  override name = 'CancelledError';
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals, message = `interrupted by ${signal}`) {
    super(message);
    this.signal = signal;
  }
}

/** The problem was already reported on stderr; exit 1 without printing more. */
export class SilentError extends Error {
  override name = 'SilentError';
  /** The exit code (default 1). */
  readonly exitCode: number;
  constructor(message = '', exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A failure printed as one `Error:` line, ending the run with a documented exit code other than 1. */
export class ExitCodeError extends CliError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The error code of a Node.js system error (`ENOENT`, `EPIPE`…), if any. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
