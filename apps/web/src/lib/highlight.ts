/** Search hits: where the query matches, for marking it (as text, never as HTML). */

const SNIPPET_MAX = 160;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits text into plain and matching parts (case-insensitive, literal, like the server's search),
 * cut to a window around the first match. Parts are rendered as text, never as HTML.
 */
export function highlightParts(
  text: string,
  query: string,
  max = SNIPPET_MAX,
): Array<{ text: string; hit: boolean }> {
  const q = query.trim();
  let body = text;
  let re: RegExp | null = null;
  if (q) {
    re = new RegExp(escapeRegExp(q), 'giu');
    const first = body.search(re);
    if (first > 40 && body.length > max) {
      const start = body.lastIndexOf(' ', first - 30);
      body = `…${body.slice(start > 0 ? start + 1 : first - 30)}`;
    }
  }
  if (body.length > max) {
    // Never between the two halves of an emoji (a surrogate pair).
    const end = /[\uDC00-\uDFFF]/.test(body[max]) ? max - 1 : max;
    body = `${body.slice(0, end)}…`;
  }
  if (!re) return [{ text: body, hit: false }];
  const parts: Array<{ text: string; hit: boolean }> = [];
  let last = 0;
  for (const m of body.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: body.slice(last, at), hit: false });
    parts.push({ text: m[0], hit: true });
    last = at + m[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last), hit: false });
  return parts;
}
