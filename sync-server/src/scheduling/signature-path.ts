// A drawn signature arrives as SVG path data (what the signature pad recorded). It is stored as given and
// drawn into the attendance sheet; here it is checked and measured so that it can be scaled into its box.

export const SIGNATURE_MAX_CHARS = 20_000;

const ALLOWED = /^[MmLlHhVvCcSsQqTtAaZz0-9eE.,+\-\s]*$/;
const TOKEN = /[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;
const ARGS: Record<string, number> = { m: 2, l: 2, h: 1, v: 1, c: 6, s: 4, q: 4, t: 2, a: 7, z: 0 };

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * The bounding box of the path's points (end and control points, which contain the curves), or null when
 * the text is not path data: unknown characters, no initial moveto, wrong argument counts, huge numbers.
 */
export function signatureBox(d: string): Box | null {
  if (d.length === 0 || d.length > SIGNATURE_MAX_CHARS || !ALLOWED.test(d)) return null;
  const tokens = d.match(TOKEN) ?? [];
  let i = 0;
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  const box: Box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const add = (px: number, py: number) => {
    box.minX = Math.min(box.minX, px);
    box.minY = Math.min(box.minY, py);
    box.maxX = Math.max(box.maxX, px);
    box.maxY = Math.max(box.maxY, py);
  };
  let command = '';
  let first = true;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (/[a-z]/i.test(token)) {
      command = token;
      i++;
      if (first && command.toLowerCase() !== 'm') return null;
      first = false;
      if (command.toLowerCase() === 'z') {
        x = startX;
        y = startY;
        continue;
      }
    } else if (first || command.toLowerCase() === 'z') return null;
    const lower = command.toLowerCase();
    const count = ARGS[lower]!;
    const args: number[] = [];
    for (let k = 0; k < count; k++) {
      const value = Number(tokens[i + k]);
      if (tokens[i + k] === undefined || !Number.isFinite(value) || Math.abs(value) > 1e6) return null;
      args.push(value);
    }
    i += count;
    const rel = command !== command.toUpperCase();
    const ox = rel ? x : 0;
    const oy = rel ? y : 0;
    if (lower === 'h') x = ox + args[0]!;
    else if (lower === 'v') y = oy + args[0]!;
    else if (lower === 'a') {
      x = ox + args[5]!;
      y = oy + args[6]!;
    } else {
      for (let k = 0; k < count; k += 2) add(ox + args[k]!, oy + args[k + 1]!);
      x = ox + args[count - 2]!;
      y = oy + args[count - 1]!;
    }
    add(x, y);
    if (lower === 'm') {
      startX = x;
      startY = y;
      // Further pairs after a moveto are implicit linetos.
      command = rel ? 'l' : 'L';
    }
  }
  return Number.isFinite(box.minX) ? box : null;
}
