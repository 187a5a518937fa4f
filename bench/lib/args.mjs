// Option values shared by the bench scripts that read their options with node:util parseArgs.

/** The number in an option's text, or an error naming the option when it is not a positive number. */
export function positiveNumber(name, text) {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${text}"`);
  return n;
}
