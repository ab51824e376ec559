// The one redaction rule: every password a piece of text may hold (URL userinfo, parsed or not, `password=` in a
// query string or a libpq keyword string) becomes `***`. Applied to anything shown or written. A leaf module.

export const REDACTED = '***';

/** A scheme as typed, well-formed or not: `postgres:/`, `postgres://`, `postgres//`, `redis:///`. */
const SCHEME = /\b[a-z][a-z0-9+.-]*(?::\/+|\/\/+)/gi;

/** `user:` without a scheme (`u:PASS@127.0.0.1:5432/db`, `garbage:PASS@@`), at the start of a word. */
const BARE_USER = /(^|[\s'"(<=,])[^\s:/@'"()<>=,]*:(?!\/)/g;

/** `password=…` / `sslpassword=…` as a query parameter or a libpq keyword (`host=h password='a b'`). */
const KEYWORD_PASSWORD = /(^|[\s?&;,'"(])((?:ssl)?password)(\s*=\s*)('(?:[^'\\\n]|\\.)*'|"[^"\n]*"|[^\s&#'"]+)/gi;

/** A user name as URLs spell it; anything else (a space, say) in userinfo without a colon may be a password. */
const PLAIN_USER = /^[A-Za-z0-9._~%!$&*+;=-]*$/;

function redactUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  if (colon >= 0) return `${userinfo.slice(0, colon)}:${REDACTED}`;
  return PLAIN_USER.test(userinfo) ? userinfo : REDACTED;
}

/**
 * Where the userinfo starting at `start` ends (the index of its `@`), or -1: the furthest of the last `@` of the
 * whitespace-free token (a password may hold `@ / ? #` unencoded) and, when `words`, the last `@` before a `/ ? #`
 * across spaces (`postgres://u PASS@h` is a typo whose second word is the password).
 */
function userinfoEnd(text: string, start: number, tokenStop: RegExp, words: boolean): number {
  let tokenEnd = start;
  while (tokenEnd < text.length && !tokenStop.test(text[tokenEnd]!)) tokenEnd++;
  let at = text.lastIndexOf('@', tokenEnd - 1);
  if (words) {
    let segmentEnd = start;
    while (segmentEnd < text.length && !/[/?#'"<>\r\n]/.test(text[segmentEnd]!)) segmentEnd++;
    at = Math.max(at, text.lastIndexOf('@', segmentEnd - 1));
  }
  return at >= start ? at : -1;
}

/** Replaces the userinfo after every match of `start` (a global regex) by its redacted form. */
function redactAfter(text: string, start: RegExp, tokenStop: RegExp, words: (from: number) => boolean, redact: (userinfo: string) => string): string {
  let out = '';
  let done = 0;
  start.lastIndex = 0;
  for (let m = start.exec(text); m !== null; m = start.exec(text)) {
    const from = m.index + m[0].length;
    if (m.index < done) continue;
    const at = userinfoEnd(text, from, tokenStop, words(from));
    if (at < 0) continue;
    out += `${text.slice(done, from)}${redact(text.slice(from, at))}@`;
    done = at + 1;
    start.lastIndex = done;
  }
  return out + text.slice(done);
}

/**
 * `text` with every password in it replaced by `***`: URLs with userinfo (well-formed or not), `user:pass@host`
 * tokens and `password=` values. Everything else is kept as written, so a URL without a secret reads unchanged.
 */
export function redactSecrets(text: string): string {
  const schemed = redactAfter(text, SCHEME, /[\s'"<>]/, () => true, redactUserinfo);
  // Without a scheme, `key: value@host` is YAML, not a password: the userinfo may not start with a space.
  const bare = redactAfter(schemed, BARE_USER, /[\s'"<>()]/, (from) => !/\s/.test(schemed[from] ?? ' '), () => REDACTED);
  return bare.replace(KEYWORD_PASSWORD, (_, before: string, key: string, eq: string) => `${before}${key}${eq}${REDACTED}`);
}
