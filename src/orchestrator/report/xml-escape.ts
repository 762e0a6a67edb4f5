// Report text comes from daemons, probes and error messages (ANSI colour codes included), so
// every string is escaped, and characters XML 1.0 forbids are dropped: one stray control
// byte would otherwise make a CI server reject the whole JUnit file.

// Allowed: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, and astral code points as surrogate pairs.
// Laid out as Prettier lays it out, so the disable comment stays on the line before the regex.
const FORBIDDEN =
  // eslint-disable-next-line no-misleading-character-class -- no u flag on purpose: UTF-16 code units find lone surrogates
  /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- ESC starts an ANSI colour code
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function escapeXml(text: unknown): string {
  return String(text)
    .replace(ANSI, '')
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** HTML and inline SVG need the same escaping for text and attribute values. */
export const escapeHtml = escapeXml;
