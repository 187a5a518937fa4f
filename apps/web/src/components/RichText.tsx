import { Fragment } from 'react';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/gi;

/**
 * User text as text: React escapes every string, and only http(s) URLs become links (built as
 * elements, never as HTML), so nothing a user types can become markup or script.
 */
export function RichText({ text }: { text: string }) {
  const parts: Array<string | { url: string }> = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index ?? 0;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ url: match[0] });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));

  return (
    <>
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          <Fragment key={i}>{part}</Fragment>
        ) : (
          <a key={i} href={part.url} target="_blank" rel="noopener noreferrer nofollow">
            {part.url}
          </a>
        ),
      )}
    </>
  );
}
