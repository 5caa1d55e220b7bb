// A WebSocket client written on a bare TCP socket, for the fuzzer: it sends frames no WebSocket library
// would (unmasked, reserved bits, lying lengths), and reads the server's frames just enough to see pongs
// and the close code.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** No close frame arrived before the TCP connection ended (RFC 6455 §7.1.5). */
export const ABNORMAL_CLOSURE = 1006;

/**
 * One client frame. The mask key is 0, so the payload is written as it is (XOR with zeros): masked in
 * the protocol's sense, yet built once and reused. `options` break the rules on purpose.
 */
export function clientFrame(
  payload: Uint8Array,
  options: { opcode?: number; fin?: boolean; rsv?: number; masked?: boolean; declaredLength?: bigint } = {},
): Buffer {
  const { opcode = OP_BINARY, fin = true, rsv = 0, masked = true } = options;
  const length = options.declaredLength ?? BigInt(payload.length);
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf)];
  const mask = masked ? 0x80 : 0;
  if (length < 126n) head.push(mask | Number(length));
  else if (length < 0x10000n) head.push(mask | 126, Number(length >> 8n), Number(length & 0xffn));
  else {
    head.push(mask | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((length >> shift) & 0xffn));
  }
  if (masked) head.push(0, 0, 0, 0);
  const frame = Buffer.allocUnsafe(head.length + payload.length);
  frame.set(head, 0);
  frame.set(payload, head.length);
  return frame;
}

export interface RawEvents {
  /** A pong with its payload (the fuzzer numbers its pings). */
  onPong?: (payload: Buffer) => void;
  /** A binary message from the server (sync answers, relays, awareness). */
  onMessage?: (payload: Buffer) => void;
}

export interface Closed {
  code: number;
  reason: string;
  /** performance.now() when the close frame (or the end of the connection) arrived. */
  at: number;
}

/**
 * An open WebSocket on a bare socket, or the HTTP status that refused the upgrade. Resolves once the
 * 101 has been read.
 */
export function openRaw(
  target: { host: string; port: number; path: string; headers: Record<string, string> },
  events: RawEvents = {},
  localAddress?: string,
): Promise<RawSocket | { status: number; headers: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, localAddress, noDelay: true });
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', onError);
      const text = head.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      if (status !== 101) {
        socket.destroy();
        resolve({ status, headers: text });
        return;
      }
      resolve(new RawSocket(socket, head.subarray(end + 4), events));
    };
    const onError = (error: Error): void => reject(error);
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('connect', () => {
      const lines = [
        `GET ${target.path} HTTP/1.1`,
        `Host: ${target.host}:${target.port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(target.headers).map(([name, value]) => `${name}: ${value}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  });
}

export class RawSocket {
  readonly socket: Socket;
  readonly closed: Promise<Closed>;
  #buffer: Buffer = Buffer.alloc(0);
  #resolveClosed!: (closed: Closed) => void;
  #done = false;
  readonly #events: RawEvents;

  constructor(socket: Socket, rest: Buffer, events: RawEvents) {
    this.socket = socket;
    this.#events = events;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', () => {});
    socket.once('close', () => this.#finish(ABNORMAL_CLOSURE, ''));
    if (rest.length > 0) this.#read(rest);
  }

  write(bytes: Uint8Array): void {
    if (!this.#done && !this.socket.destroyed) this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }

  #finish(code: number, reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#resolveClosed({ code, reason, at: performance.now() });
    // The close handshake is not answered: the connection is simply dropped, as a careless client would.
    this.socket.destroy();
  }

  #read(chunk: Buffer): void {
    let buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) break;
      const opcode = buffer[0]! & 0x0f;
      let length = buffer[1]! & 0x7f;
      let pos = 2;
      if (length === 126) {
        if (buffer.length < 4) break;
        length = buffer.readUInt16BE(2);
        pos = 4;
      } else if (length === 127) {
        if (buffer.length < 10) break;
        length = Number(buffer.readBigUInt64BE(2));
        pos = 10;
      }
      if (buffer.length < pos + length) break;
      const payload = buffer.subarray(pos, pos + length);
      buffer = buffer.subarray(pos + length);
      if (opcode === OP_CLOSE) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.#finish(code, payload.subarray(2).toString('utf8'));
        return;
      }
      if (opcode === OP_PONG) this.#events.onPong?.(payload);
      else if (opcode === OP_BINARY) this.#events.onMessage?.(payload);
    }
    this.#buffer = buffer.length > 0 ? Buffer.from(buffer) : Buffer.alloc(0);
  }
}
