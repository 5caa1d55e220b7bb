// Keeping the caret in place when a shared text changes under it.

/** Where the caret should go when `before` becomes `after` under it (remote edit elsewhere in the text). */
export function shiftCaret(before: string, after: string, caret: number): number {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  if (caret <= prefix) return caret;
  return Math.max(prefix, Math.min(after.length, caret + after.length - before.length));
}
