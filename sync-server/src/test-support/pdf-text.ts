// WinAnsi bytes 0x80–0x9f that differ from Latin-1 (the ones French text uses).
const WIN_ANSI: Record<number, string> = { 0x92: '’', 0x96: '–', 0x97: '—', 0x9c: 'œ', 0x8c: 'Œ' };

/** The text shown by an uncompressed Helvetica PDF: every `[<hex> … ] TJ` run, decoded, one per line. */
export function shownText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const match of pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)) {
    const hex = [...match[1]!.matchAll(/<([0-9a-f]*)>/g)].map((m) => m[1]).join('');
    const bytes = Buffer.from(hex, 'hex');
    lines.push([...bytes].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join(''));
  }
  return lines.join('\n');
}
