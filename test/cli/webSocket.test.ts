/**
 * The small WebSocket client `ps`/`pstree` use on Node 20 (no global WebSocket there): frames
 * as RFC 6455 §5 has them, and a session with a real server (node:http's upgrade, answered by
 * hand) — handshake, masked text both ways, fragmented messages, ping, close.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { describe, test } from "node:test";
import {
  acceptKey,
  connectNet,
  encodeFrame,
  FrameDecoder,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_PONG,
  OP_TEXT,
} from "#internal/cli/webSocket.js";

const MASK = Uint8Array.from([1, 2, 3, 4]);

describe("WebSocket frames", () => {
  test("the accept key of RFC 6455's example", () => {
    assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  test("short, 16-bit and 64-bit lengths round-trip, masked or not", () => {
    for (const size of [0, 5, 125, 126, 65535, 65536, 70000]) {
      const payload = Buffer.alloc(size, "x");
      for (const mask of [undefined, MASK]) {
        const frame = encodeFrame(OP_TEXT, payload, mask);
        const decoded = new FrameDecoder().push(frame);
        assert.equal(decoded.length, 1);
        assert.equal(decoded[0]?.opcode, OP_TEXT);
        assert.deepEqual(decoded[0]?.payload, payload);
        if (mask !== undefined && size > 0) assert.notDeepEqual(frame.subarray(-size), payload);
      }
    }
  });

  test("frames split across chunks, and fragments joined around a control frame", () => {
    const decoder = new FrameDecoder();
    const first = encodeFrame(OP_TEXT, Buffer.from("hel"));
    first[0] = OP_TEXT; // not final
    const ping = encodeFrame(OP_PING, Buffer.from("p"));
    const last = encodeFrame(OP_CONTINUATION, Buffer.from("lo"));
    const bytes = Buffer.concat([first, ping, last]);
    const out = [];
    for (let i = 0; i < bytes.length; i++) out.push(...decoder.push(bytes.subarray(i, i + 1)));
    assert.deepEqual(
      out.map(({ opcode, payload }) => [opcode, payload.toString()]),
      [
        [OP_PING, "p"],
        [OP_TEXT, "hello"],
      ],
    );
  });
});

/** A server that upgrades to WebSocket and hands each connection's decoded frames to `onFrame`. */
async function withServer(
  onFrame: (socket: Socket, opcode: number, payload: Buffer) => void,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on("upgrade", (request, socket: Socket) => {
    sockets.add(socket);
    const key = request.headers["sec-websocket-key"] as string;
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );
    const decoder = new FrameDecoder();
    socket.on("data", (chunk: Buffer) => {
      for (const { opcode, payload } of decoder.push(chunk)) onFrame(socket, opcode, payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await fn(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/session`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("the client over node:net", () => {
  test("sends masked text, receives text, answers a ping, and closes", async () => {
    const received: string[] = [];
    let pong = "";
    let closedByClient = false;
    await withServer(
      (socket, opcode, payload) => {
        if (opcode === OP_TEXT) {
          received.push(payload.toString());
          // The answer in two fragments, after a ping.
          socket.write(encodeFrame(OP_PING, Buffer.from("are you there")));
          const head = encodeFrame(OP_TEXT, Buffer.from("echo: "));
          head[0] = OP_TEXT;
          socket.write(Buffer.concat([head, encodeFrame(OP_CONTINUATION, payload)]));
        } else if (opcode === OP_PONG) {
          pong = payload.toString();
        } else if (opcode === OP_CLOSE) {
          closedByClient = true;
          socket.end(encodeFrame(OP_CLOSE, payload));
        }
      },
      async (url) => {
        const socket = await connectNet(url, 5000);
        const answer = new Promise<string>((resolve) => {
          socket.onMessage = resolve;
        });
        const closed = new Promise<Error | undefined>((resolve) => {
          socket.onClose = resolve;
        });
        socket.send("héllo");
        assert.equal(await answer, "echo: héllo");
        socket.close();
        assert.equal(await closed, undefined);
      },
    );
    assert.deepEqual(received, ["héllo"]);
    assert.equal(pong, "are you there");
    assert.equal(closedByClient, true);
  });

  test("a refused handshake and a closed port reject", async () => {
    const server = createServer((_request, response) => response.end("no"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await assert.rejects(connectNet(`ws://127.0.0.1:${port}/`, 5000), /handshake refused/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await assert.rejects(connectNet(`ws://127.0.0.1:${port}/`, 5000));
  });
});
