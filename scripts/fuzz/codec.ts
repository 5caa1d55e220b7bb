// The few lib0 encodings the y-websocket protocol uses (varUint, length-prefixed bytes and strings), written
// out here so that the fuzzer and the churn test decode what the server sends with code of their own.

/** Unsigned LEB128, up to 2^53 (lib0's varUint). */
export function varUint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A message of varUints (numbers) and length-prefixed byte arrays, as `lib0/encoding` writes them. */
export function message(...parts: (number | Uint8Array)[]): Uint8Array {
  const chunks: (number[] | Uint8Array)[] = [];
  let length = 0;
  for (const part of parts) {
    if (typeof part === 'number') {
      const bytes = varUint(part);
      chunks.push(bytes);
      length += bytes.length;
    } else {
      const head = varUint(part.length);
      chunks.push(head, part);
      length += head.length + part.length;
    }
  }
  const out = new Uint8Array(length);
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}

/** An awareness update: entries of client id, clock and JSON state. */
export function awarenessUpdate(entries: { id: number; clock: number; state: unknown }[]): Uint8Array {
  return message(
    entries.length,
    ...entries.flatMap((e) => [e.id, e.clock, new TextEncoder().encode(JSON.stringify(e.state))]),
  );
}

/** Reads what `message` writes; every read throws past the end. */
export class Reader {
  readonly bytes: Uint8Array;
  pos = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  varUint(): number {
    let value = 0;
    let mult = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error('varUint tronqué');
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * mult;
      if (byte < 0x80) return value;
      mult *= 128;
      if (mult > 2 ** 53) throw new Error('varUint trop grand');
    }
  }
  varBytes(): Uint8Array {
    const length = this.varUint();
    if (this.pos + length > this.bytes.length) throw new Error('longueur au-delà de la fin');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  varString(): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.varBytes());
  }
  get done(): boolean {
    return this.pos === this.bytes.length;
  }
}
