// The one redaction rule: every password a piece of text may hold (URL userinfo, parsed or not, `password=` in a
// query string or a libpq keyword string) becomes `***`. Applied to anything shown or written. A leaf module.

export const REDACTED = '***';

/**
 * A scheme (`postgres:/`, `postgres://`, `postgres//`, `redis:///`) followed by userinfo: either up to the *last* `@`
 * of the whitespace-free token (a password may hold `@ / ? #` unencoded), or words separated by spaces up to an `@`
 * (`postgres://u PASS@h` is a typo whose second word is the password).
 */
const SCHEME_USERINFO = /\b([a-z][a-z0-9+.-]*(?::\/+|\/\/+))(?:([^\s'"<>]*)@|([^\s'"<>/?#@]+(?:[ \t]+[^\s'"<>/?#@]+)+)@)/gi;

/** `user:password@host` without a scheme (`u:PASS@127.0.0.1:5432/db`, `garbage:PASS@@`); the password may hold spaces. */
const BARE_USERINFO = /(^|[\s'"(<=,])([^\s:/@'"()<>=,]*):(?!\/)(?:[^\s'"()<>]*|[^\s'"()<>@/]+(?:[ \t]+[^\s'"()<>@/]+)+)@/g;

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
 * `text` with every password in it replaced by `***`: URLs with userinfo (well-formed or not), `user:pass@host`
 * tokens and `password=` values. Everything else is kept as written, so a URL without a secret reads unchanged.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(SCHEME_USERINFO, (_, scheme: string, token: string | undefined, words: string | undefined) => `${scheme}${redactUserinfo(token ?? words ?? '')}@`)
    .replace(BARE_USERINFO, (_, before: string, user: string) => `${before}${user}:${REDACTED}@`)
    .replace(KEYWORD_PASSWORD, (_, before: string, key: string, eq: string) => `${before}${key}${eq}${REDACTED}`);
}
