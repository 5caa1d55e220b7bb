// A stable colour per user, so a collaborator's caret keeps its colour across sessions and devices.
// Hex `#rrggbb` because y-prosemirror appends an alpha suffix to it for the selection highlight.

function hash(text: string): number {
  let h = 2166136261; // FNV-1a
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** A colour dark enough for white text on it (the caret's name label) and distinct between users. */
export function colorFromId(id: string): string {
  const hue = hash(id) % 360;
  return hslToHex(hue, 0.65, 0.38);
}
