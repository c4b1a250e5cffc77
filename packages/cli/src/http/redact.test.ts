// The Redactor: what reaches stderr never holds a credential or a terminal escape sequence.
import { describe, expect, it } from 'vitest';
import { stripControls } from '../text/safety.js';
import { OMITTED, Redactor } from './redact.js';

// A JWT-shaped string, as Qlik API keys are (header.payload.signature, base64url).
const JWT =
  'eyJhbGciOiJFUzM4NCIsImtpZCI6ImFiYyJ9.eyJzdWIiOiI2NGVmNjQ1YTNiNzAwOWQ1NWRlZTVhMmIiLCJzdWJUeXBlIjoidXNlciJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('Redactor.headerValue', () => {
  const r = new Redactor();

  it.each([
    ['Authorization', `Bearer ${JWT}`, `Bearer ${OMITTED}`],
    ['authorization', 'bearer abcdef', `bearer ${OMITTED}`],
    ['Proxy-Authorization', 'Basic dXNlcjpwYXNz', `Basic ${OMITTED}`],
    ['Cookie', '_session=abc; other=1', OMITTED],
    ['Set-Cookie', 'eas.sid=xyz; Path=/', OMITTED],
    ['X-Api-Key', 'raw-key-value', OMITTED],
    ['X-Csrf-Token', 'tok', OMITTED],
    ['X-Qlik-Session', 'abc', OMITTED],
    ['X-My-Password', 'p', OMITTED],
    ['X-Credential', 'c', OMITTED],
    ['X-Auth-Thing', 'a', OMITTED],
    ['X-Session-Id', 's', OMITTED],
  ])('masks %s', (name, value, want) => {
    expect(r.headerValue(name, value)).toBe(want);
  });

  it('leaves other headers alone, except for JWT-shaped values', () => {
    expect(r.headerValue('Content-Type', 'application/json')).toBe('application/json');
    expect(r.headerValue('X-Forwarded', `via ${JWT}`)).toBe(`via ${OMITTED}`);
  });
});

describe('Redactor.json', () => {
  it('masks token-like fields at any depth and keeps everything else', () => {
    const r = new Redactor();
    const input = {
      id: 'k1',
      description: 'nightly',
      token: 'opaque-token-value',
      nested: { access_token: 'a', refresh_token: 'b', client_secret: 'c', password: 'd', 'api-key': 'e', count: 3 },
      list: [{ token: 'x' }, 'plain', 7, null],
      empty: { token: '' },
      tokenCount: 2,
    };
    expect(r.json(input)).toEqual({
      id: 'k1',
      description: 'nightly',
      token: OMITTED,
      nested: {
        access_token: OMITTED,
        refresh_token: OMITTED,
        client_secret: OMITTED,
        password: OMITTED,
        'api-key': OMITTED,
        count: 3,
      },
      list: [{ token: OMITTED }, 'plain', 7, null],
      empty: { token: '' },
      tokenCount: 2,
    });
    // The input is not changed.
    expect(input.token).toBe('opaque-token-value');
  });

  it("masks a JSON Patch operation's value when its path names a secret field", () => {
    const r = new Redactor();
    expect(
      r.json([
        { op: 'replace', path: '/pendingOptions/clientSecret', value: 'hunter22' },
        { op: 'replace', path: '/description', value: 'plain' },
        { op: 'replace', path: '/pendingOptions/clientSecret', value: '' },
        { path: '/token', value: 'not a patch without op' },
      ]),
    ).toEqual([
      { op: 'replace', path: '/pendingOptions/clientSecret', value: '**omitted**' },
      { op: 'replace', path: '/description', value: 'plain' },
      { op: 'replace', path: '/pendingOptions/clientSecret', value: '' },
      { path: '/token', value: 'not a patch without op' },
    ]);
  });

  it('masks JWT-shaped strings in any field', () => {
    expect(new Redactor().json({ description: `key ${JWT} here` })).toEqual({ description: `key ${OMITTED} here` });
  });
});

describe('Redactor.text', () => {
  it('masks JWT-shaped strings', () => {
    expect(new Redactor().text(`Authorization: Bearer ${JWT}\n`)).toBe(`Authorization: Bearer ${OMITTED}\n`);
  });

  it('masks every registered literal secret, the longest first', () => {
    const r = new Redactor();
    r.addSecret('hunter2-secret');
    r.addSecret('hunter2-secret-longer');
    expect(r.text('a hunter2-secret-longer b hunter2-secret c')).toBe(`a ${OMITTED} b ${OMITTED} c`);
  });

  it('ignores secrets shorter than 6 characters, so that common words survive', () => {
    const r = new Redactor();
    r.addSecret('abc');
    r.addSecret(undefined);
    r.addSecret('');
    expect(r.text('abc abcabc')).toBe('abc abcabc');
  });

  it('registers both the header value and its credential part', () => {
    const r = new Redactor();
    r.addHeaderSecret('Bearer plain-api-key-123');
    expect(r.text('sent Bearer plain-api-key-123; echoed plain-api-key-123')).toBe(
      `sent ${OMITTED}; echoed ${OMITTED}`,
    );
  });
});

describe('Redactor.body', () => {
  it('masks JSON bodies field by field and compacts them', () => {
    const r = new Redactor();
    expect(r.body('{\n  "id": "k1",\n  "token": "secret-token"\n}')).toBe(`{"id":"k1","token":"${OMITTED}"}`);
  });

  it('masks non-JSON text and strips terminal escapes', () => {
    const r = new Redactor();
    r.addSecret('literal-secret');
    expect(r.body(`<html>literal-secret \u001b[2J${JWT}</html>`)).toBe(`<html>${OMITTED} ${OMITTED}</html>`);
  });

  it('cuts long bodies and says how long they were', () => {
    const text = 'x'.repeat(5000);
    const shown = new Redactor().body(text, 100);
    expect(shown).toBe(`${'x'.repeat(100)}… (5000 bytes)`);
  });
});

describe('stripControls', () => {
  it('removes CSI, OSC and other escape sequences', () => {
    expect(stripControls('\u001b[31mred\u001b[0m')).toBe('red');
    expect(stripControls('a\u001b]0;evil title\u0007b')).toBe('ab');
    expect(stripControls('a\u001b]8;;https://x.example\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb');
    expect(stripControls('a\u001bPdcs-payload\u001b\\b')).toBe('ab');
  });

  it('removes the bidirectional overrides and isolates that reorder what a terminal shows', () => {
    expect(stripControls('safe\u202eevil\u202c \u2066x\u2069 \u200fy')).toBe('safeevil x y');
  });

  it('removes C0 (except TAB and LF), DEL and C1 controls', () => {
    expect(stripControls('a\rb\u0000c\u0007d\u007fe\u009bf\u0085g')).toBe('abcdefg');
    expect(stripControls('keep\ttabs\nand lines')).toBe('keep\ttabs\nand lines');
  });

  it('keeps ordinary Unicode text', () => {
    expect(stripControls('café — ˋP7Dˋ ✓')).toBe('café — ˋP7Dˋ ✓');
  });
});

describe('issue 18: secret-named query values and a secret echoed in other encodings', () => {
  it.each([
    [
      'GET https://t.example.com/api/v1/x?access_token=abc123&limit=5',
      `GET https://t.example.com/api/v1/x?access_token=${OMITTED}&limit=5`,
    ],
    [
      '< location: https://t.example.com/cb#api_key=k-9&state=s',
      `< location: https://t.example.com/cb#api_key=${OMITTED}&state=s`,
    ],
    ['?client%5Fsecret=shh', `?client%5Fsecret=${OMITTED}`],
    ['?X-Qlik-Session=s1&page=2', `?X-Qlik-Session=${OMITTED}&page=2`],
    ['?name=token&sort=-created', '?name=token&sort=-created'],
  ])('%s', (line, want) => {
    expect(new Redactor().text(line)).toBe(want);
  });

  const SECRET = 'k3y+/with&odd<chars>_0123456789';
  const forms: [string, string][] = [
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['base64 of Bearer', Buffer.from(`Bearer ${SECRET}`).toString('base64')],
    ['base64url of Bearer', Buffer.from(`Bearer ${SECRET}`).toString('base64url')],
    ['percent-encoded', encodeURIComponent(SECRET)],
    [
      'every character percent-encoded (lower-case hex)',
      [...Buffer.from(SECRET)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    ],
    ['HTML entities (named)', SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')],
    [
      'HTML entities (numeric)',
      Array.from(SECRET)
        .map((c) => `&#${c.codePointAt(0) ?? 0};`)
        .join(''),
    ],
    [
      'HTML entities (hex, mixed)',
      Array.from(SECRET)
        .map((c, i) => (i % 2 ? c : `&#x${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()};`))
        .join(''),
    ],
  ];
  it.each(forms)('masks the secret echoed as %s', (_what, echoed) => {
    const r = new Redactor();
    r.addHeaderSecret(`Bearer ${SECRET}`);
    const out = r.text(`{"error":"invalid credential ${echoed} given"}`);
    expect(out).toBe(`{"error":"invalid credential ${OMITTED} given"}`);
  });
});
