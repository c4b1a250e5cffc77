// Text from a client or a server made safe to quote in a log line or an error message.

/** Printable ASCII only (anything else becomes `?`), cut at `max` characters with `…`. */
export function printable(text: string, max = Infinity): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** The media type of a Content-Type header, lower-cased without parameters (`''` when there is none). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
