/** Deeper JSON than any request DTO needs; the validation pipe recurses per level. */
export const JSON_MAX_DEPTH = 32;

/**
 * body-parser `verify` hook: refuse bodies nested deeper than JSON_MAX_DEPTH before they are
 * parsed. Without it a few KiB of `[[[[…]]]]` overflow the stack in class-transformer and the
 * client gets a 500. The error type makes the exception filter answer 400.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > JSON_MAX_DEPTH)
        throw Object.assign(new Error(`Request body nested deeper than ${JSON_MAX_DEPTH}`), {
          type: 'entity.parse.failed',
        });
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
