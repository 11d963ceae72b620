/**
 * The smallest WebSocket client the inspector needs: text messages to and from
 * `ws://127.0.0.1:<port>/<id>`. Node 22+ has a global `WebSocket`, used when present; on
 * Node 20 a client over `node:net` does the handshake (RFC 6455 §4) and speaks masked text
 * frames (§5), answering pings and the close handshake. No TLS, no extensions.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { connect } from "node:net";

/** A connected text WebSocket. */
export interface TextSocket {
  send(text: string): void;
  /** Called with each text message received. */
  onMessage: (text: string) => void;
  /** Called once when the connection ends (closed by either side or broken). */
  onClose: (error?: Error) => void;
  close(): void;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** The `Sec-WebSocket-Accept` a server must answer to `key`. */
export function acceptKey(key: string): string {
  return createHash("sha1")
    .update(key + GUID)
    .digest("base64");
}

/**
 * A final frame of `opcode` carrying `payload`, masked with `mask` (4 bytes) when given, as a
 * client must send it; unmasked (as a server sends) without.
 */
export function encodeFrame(opcode: number, payload: Uint8Array, mask?: Uint8Array): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const maskBytes = mask === undefined ? 0 : 4;
  const frame = Buffer.alloc(2 + lengthBytes + maskBytes + length);
  frame[0] = 0x80 | opcode;
  const maskBit = mask === undefined ? 0 : 0x80;
  if (lengthBytes === 0) {
    frame[1] = maskBit | length;
  } else if (lengthBytes === 2) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const start = 2 + lengthBytes + maskBytes;
  if (mask === undefined) {
    frame.set(payload, start);
  } else {
    frame.set(mask.subarray(0, 4), 2 + lengthBytes);
    for (let i = 0; i < length; i++) {
      frame[start + i] = (payload[i] as number) ^ (mask[i & 3] as number);
    }
  }
  return frame;
}

/** A whole message or control frame out of the decoder. */
export interface DecodedFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/**
 * Cuts a byte stream into frames, joining fragmented messages (control frames may come
 * between fragments and are returned at once). Masked frames are unmasked.
 */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentOpcode = -1;

  /** Adds bytes; returns the complete frames and messages they finish. */
  push(chunk: Buffer): DecodedFrame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const out: DecodedFrame[] = [];
    for (;;) {
      const buffer = this.#buffer;
      if (buffer.length < 2) break;
      const fin = ((buffer[0] as number) & 0x80) !== 0;
      const opcode = (buffer[0] as number) & 0x0f;
      const masked = ((buffer[1] as number) & 0x80) !== 0;
      let length = (buffer[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) break;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) break;
        const big = buffer.readBigUInt64BE(2);
        if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("WebSocket frame too long");
        length = Number(big);
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) break;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) {
        for (let i = 0; i < length; i++) {
          payload[i] = (payload[i] as number) ^ (buffer[maskOffset + (i & 3)] as number);
        }
      }
      this.#buffer = buffer.subarray(offset + length);
      if (opcode >= OP_CLOSE) {
        out.push({ opcode, payload });
      } else if (opcode === OP_CONTINUATION) {
        if (this.#fragmentOpcode === -1) throw new Error("WebSocket continuation without a start");
        this.#fragments.push(payload);
        if (fin) {
          out.push({ opcode: this.#fragmentOpcode, payload: Buffer.concat(this.#fragments) });
          this.#fragments = [];
          this.#fragmentOpcode = -1;
        }
      } else if (fin) {
        out.push({ opcode, payload });
      } else {
        this.#fragmentOpcode = opcode;
        this.#fragments = [payload];
      }
    }
    return out;
  }
}

/** Connects to `url` (`ws://host:port/path`), with the global WebSocket when Node has one. */
export function connectWebSocket(url: string, timeoutMs: number): Promise<TextSocket> {
  const Global = (globalThis as { WebSocket?: typeof WebSocketLike }).WebSocket;
  if (typeof Global === "function") return connectGlobal(Global, url, timeoutMs);
  return connectNet(url, timeoutMs);
}

/** The part of the WHATWG WebSocket this file uses (Node 22+). */
declare class WebSocketLike {
  constructor(url: string);
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: (() => void) | null;
  send(data: string): void;
  close(): void;
}

function connectGlobal(
  Global: typeof WebSocketLike,
  url: string,
  timeoutMs: number,
): Promise<TextSocket> {
  return new Promise((resolve, reject) => {
    const ws = new Global(url);
    let open = false;
    let ended = false;
    const socket: TextSocket = {
      send: (text) => ws.send(text),
      onMessage: () => {},
      onClose: () => {},
      close: () => ws.close(),
    };
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`WebSocket connection to ${url} timed out`));
    }, timeoutMs);
    ws.onopen = () => {
      open = true;
      clearTimeout(timer);
      resolve(socket);
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") socket.onMessage(event.data);
    };
    ws.onerror = () => {
      if (!open) {
        clearTimeout(timer);
        reject(new Error(`WebSocket connection to ${url} failed`));
      }
    };
    ws.onclose = () => {
      if (ended) return;
      ended = true;
      if (!open) {
        clearTimeout(timer);
        reject(new Error(`WebSocket connection to ${url} closed`));
      }
      socket.onClose();
    };
  });
}

/** The client over node:net (used when Node has no global WebSocket; exported for its tests). */
export function connectNet(url: string, timeoutMs: number): Promise<TextSocket> {
  const parsed = new URL(url);
  if (parsed.protocol !== "ws:") throw new TypeError(`not a ws: URL: ${url}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const port = Number(parsed.port || 80);
  const key = randomBytes(16).toString("base64");
  return new Promise((resolve, reject) => {
    const tcp: Socket = connect({ host, port });
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      tcp.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`WebSocket connection to ${url} timed out`)),
      timeoutMs,
    );
    tcp.on("error", (error) => fail(error));
    tcp.on("close", () => fail(new Error(`WebSocket connection to ${url} closed`)));
    tcp.once("connect", () => {
      tcp.write(
        `GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\n` +
          `Host: ${parsed.host}\r\n` +
          "Upgrade: websocket\r\n" +
          "Connection: Upgrade\r\n" +
          `Sec-WebSocket-Key: ${key}\r\n` +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    let head = Buffer.alloc(0);
    const onHandshakeData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) {
        if (head.length > 16384) fail(new Error("WebSocket handshake response too long"));
        return;
      }
      const lines = head.subarray(0, end).toString("latin1").split("\r\n");
      const status = lines[0] ?? "";
      const accept = lines
        .slice(1)
        .map((line) => /^sec-websocket-accept:\s*(.*)$/i.exec(line)?.[1]?.trim())
        .find((value) => value !== undefined);
      if (!/^HTTP\/1\.1 101\b/.test(status)) {
        fail(new Error(`WebSocket handshake refused: ${status}`));
        return;
      }
      if (accept !== acceptKey(key)) {
        fail(new Error("WebSocket handshake: wrong Sec-WebSocket-Accept"));
        return;
      }
      settled = true;
      clearTimeout(timer);
      tcp.off("data", onHandshakeData);
      tcp.removeAllListeners("close");
      tcp.removeAllListeners("error");
      resolve(openSocket(tcp, head.subarray(end + 4)));
    };
    tcp.on("data", onHandshakeData);
  });
}

function openSocket(tcp: Socket, rest: Buffer): TextSocket {
  const decoder = new FrameDecoder();
  let ended = false;
  let closeSent = false;
  const sendFrame = (opcode: number, payload: Uint8Array): void => {
    if (!tcp.writable) return;
    tcp.write(encodeFrame(opcode, payload, randomBytes(4)));
  };
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    tcp.destroy();
    socket.onClose(error);
  };
  const socket: TextSocket = {
    send: (text) => sendFrame(OP_TEXT, Buffer.from(text, "utf8")),
    onMessage: () => {},
    onClose: () => {},
    close: () => {
      if (ended) return;
      if (!closeSent) {
        closeSent = true;
        // 1000: normal closure. The server answers with its close frame, then ends.
        sendFrame(OP_CLOSE, Buffer.from([0x03, 0xe8]));
      }
      tcp.end();
      // A server that does not answer is not waited for long.
      setTimeout(() => end(), 1000).unref();
    },
  };
  const onData = (chunk: Buffer): void => {
    let frames: DecodedFrame[];
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      end(error as Error);
      return;
    }
    for (const { opcode, payload } of frames) {
      if (opcode === OP_TEXT) {
        socket.onMessage(payload.toString("utf8"));
      } else if (opcode === OP_PING) {
        sendFrame(OP_PONG, payload);
      } else if (opcode === OP_CLOSE) {
        if (!closeSent) {
          closeSent = true;
          sendFrame(OP_CLOSE, payload.subarray(0, 2));
        }
        tcp.end();
      }
    }
  };
  tcp.on("data", onData);
  tcp.on("error", (error) => end(error));
  tcp.on("close", () => end());
  // Bytes that came with the handshake, once the caller has set its listeners.
  if (rest.length > 0) setImmediate(() => onData(rest));
  return socket;
}
