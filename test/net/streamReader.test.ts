/**
 * StreamReader, mirroring the reader-only tests of CPython's test_streams.StreamTests.
 *
 * Skipped:
 * - test_open_connection*, test_start_server*, test_drain_*, test_wait_closed_*, test_eof_feed_*
 *   through a protocol and every test using sockets, pipes or subprocesses: no transports yet.
 * - test_streamreader_constructor_*, test_streamreaderprotocol_constructor_*: about the
 *   deprecated implicit event loop; our reader binds to the loop of the first task that waits.
 * - test_read_all_from_pipe_reader, test_multiple_drain, test_LimitOverrunError_pickleable,
 *   test_IncompleteReadError_pickleable: pipes, writers and pickling.
 * - test___repr__*: mirrored loosely in one test of our own format.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { waitedOn } from "#internal/core/introspect.js";
import { rejection, runVirtual } from "../helpers.js";

const DATA = "line1\nline2\nline3\n";

function bytes(s: string): Buffer {
  return Buffer.from(s, "utf8");
}

// mirrors test_streams.StreamTests.test_feed_empty_data
test("feeding empty data leaves the buffer empty", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("");
    reader.feedData(new Uint8Array(0));
    reader.feedEof();
    assert.equal(reader.atEof(), true);
    assert.deepEqual(await reader.read(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_feed_nonempty_data
test("fed data are read back whole", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData(DATA);
    assert.equal(reader.atEof(), false);
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes(DATA));
  });
});

// mirrors test_streams.StreamTests.test_read_zero
test("read(0) returns empty data and leaves the buffer", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData(DATA);
    assert.deepEqual(await reader.read(0), bytes(""));
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes(DATA));
  });
});

// mirrors test_streams.StreamTests.test_read
test("read(n) waits for data fed later", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const task = asyncio.createTask(() => reader.read(30));
    await asyncio.sleep(0);
    assert.equal(String(reader), "<StreamReader waiter>");
    reader.feedData(DATA);
    const data = await task;
    assert.ok(Buffer.isBuffer(data));
    assert.deepEqual(data, bytes(DATA));
    assert.equal(String(reader), "<StreamReader>");
  });
});

// mirrors test_streams.StreamTests.test_read_line_breaks
test("read(n) returns at most n bytes, in order", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("line1");
    reader.feedData("line2");
    assert.deepEqual(await reader.read(5), bytes("line1"));
    assert.deepEqual(await reader.read(5), bytes("line2"));
  });
});

// mirrors test_streams.StreamTests.test_read_eof
test("read(n) waiting ends with empty data at the end of the stream", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const task = asyncio.createTask(() => reader.read(1024));
    await asyncio.sleep(0);
    reader.feedEof();
    assert.deepEqual(await task, bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_read_until_eof
test("read() gathers every chunk until the end of the stream", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const task = asyncio.createTask(() => reader.read(-1));
    await asyncio.sleep(0);
    reader.feedData("chunk1\n");
    reader.feedData("chunk2");
    await asyncio.sleep(0);
    reader.feedEof();
    assert.deepEqual(await task, bytes("chunk1\nchunk2"));
    assert.deepEqual(await reader.read(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_read_exception
test("read fails with the exception set, after the buffered data", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("line\n");
    assert.deepEqual(await reader.read(2), bytes("li"));
    const error = new Error("boom");
    reader.setException(error);
    assert.equal(await rejection(reader.read(2)), error);
  });
});

// mirrors test_streams.StreamTests.test_invalid_limit
test("the limit must be an integer > 0", () => {
  assert.throws(() => new asyncio.StreamReader({ limit: 0 }), RangeError);
  assert.throws(() => new asyncio.StreamReader({ limit: -1 }), RangeError);
  assert.throws(() => new asyncio.StreamReader({ limit: 1.5 }), TypeError);
  assert.throws(() => new asyncio.StreamReader({ limit: "3" as unknown as number }), TypeError);
});

// mirrors test_streams.StreamTests.test_read_limit
test("read(n) is not bounded by the limit", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 3 });
    reader.feedData("chunk");
    assert.deepEqual(await reader.read(5), bytes("chunk"));
  });
});

// mirrors test_streams.StreamTests.test_readline
test("readline waits across chunks for the end of the line", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("chunk1 ");
    const task = asyncio.createTask(() => reader.readline());
    await asyncio.sleep(0);
    reader.feedData("chunk2 ");
    await asyncio.sleep(0);
    reader.feedData("chunk3 ");
    await asyncio.sleep(0);
    reader.feedData("\n chunk4");
    assert.deepEqual(await task, bytes("chunk1 chunk2 chunk3 \n"));
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes(" chunk4"));
  });
});

// mirrors test_streams.StreamTests.test_readline_limit_with_existing_data
test("a line over the limit is dropped with what came before it", async () => {
  await runVirtual(async () => {
    const first = new asyncio.StreamReader({ limit: 3 });
    first.feedData("li");
    first.feedData("ne1\nline2\n");
    assert.ok((await rejection(first.readline())) instanceof RangeError);
    // The overlong line went, up to and including its "\n".
    first.feedEof();
    assert.deepEqual(await first.read(), bytes("line2\n"));

    const second = new asyncio.StreamReader({ limit: 3 });
    second.feedData("li");
    second.feedData("ne1");
    second.feedData("li");
    assert.ok((await rejection(second.readline())) instanceof RangeError);
    // No "\n" in the buffer: everything went.
    second.feedEof();
    assert.deepEqual(await second.read(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_at_eof
test("atEof is true once the end was fed and the buffer read", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    assert.equal(reader.atEof(), false);
    reader.feedData("some data\n");
    assert.equal(reader.atEof(), false);
    await reader.readline();
    assert.equal(reader.atEof(), false);
    reader.feedData("some data\n");
    reader.feedEof();
    await reader.readline();
    assert.equal(reader.atEof(), true);
  });
});

// mirrors test_streams.StreamTests.test_readline_limit
test("readline over the limit while waiting drops the line and keeps what follows", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 7 });
    const feeder = asyncio.createTask(async () => {
      reader.feedData("chunk1");
      await asyncio.sleep(0);
      reader.feedData("chunk2");
      await asyncio.sleep(0);
      reader.feedData("chunk3\n");
      reader.feedEof();
    });
    assert.ok((await rejection(reader.readline())) instanceof RangeError);
    await feeder;
    // The 12 bytes buffered when the limit was passed were dropped; what came later stays.
    assert.deepEqual(await reader.read(), bytes("chunk3\n"));

    const whole = new asyncio.StreamReader({ limit: 7 });
    whole.feedData("chunk1");
    whole.feedData("chunk2");
    whole.feedData("chunk3\n");
    whole.feedData("rest");
    whole.feedEof();
    // The "\n" is in the buffer: the long line goes up to it, the rest stays.
    assert.ok((await rejection(whole.readline())) instanceof RangeError);
    assert.deepEqual(await whole.read(), bytes("rest"));

    const other = new asyncio.StreamReader({ limit: 7 });
    other.feedData("1234567\n");
    assert.deepEqual(await other.readline(), bytes("1234567\n"));
    other.feedData("12345678\n");
    assert.ok((await rejection(other.readline())) instanceof RangeError);
    assert.deepEqual(await other.read(0), bytes(""));
    other.feedData("12345678");
    assert.ok((await rejection(other.readline())) instanceof RangeError);
    other.feedEof();
    assert.deepEqual(await other.read(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_readline_nolimit_nowait
test("readline returns a buffered line at once", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData(DATA.slice(0, 6));
    reader.feedData(DATA.slice(6));
    assert.deepEqual(await reader.readline(), bytes("line1\n"));
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes("line2\nline3\n"));
  });
});

// mirrors test_streams.StreamTests.test_readline_eof
test("readline at the end of the stream returns the incomplete line", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("some data");
    reader.feedEof();
    assert.deepEqual(await reader.readline(), bytes("some data"));
  });
});

// mirrors test_streams.StreamTests.test_readline_empty_eof
test("readline at the end of an empty stream returns empty data", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedEof();
    assert.deepEqual(await reader.readline(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_readline_read_byte_count
test("readline then read(n) take the bytes in order", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData(DATA);
    await reader.readline();
    assert.deepEqual(await reader.read(7), bytes("line2\nl"));
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes("ine3\n"));
  });
});

// mirrors test_streams.StreamTests.test_readline_exception
test("readline fails with the exception set, and the buffer is kept", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("line\n");
    assert.deepEqual(await reader.readline(), bytes("line\n"));
    const error = new Error("boom");
    reader.setException(error);
    assert.equal(await rejection(reader.readline()), error);
    assert.equal(reader.exception(), error);
  });
});

// mirrors test_streams.StreamTests.test_readuntil_separator
test("readuntil rejects an empty separator or list", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    assert.ok((await rejection(reader.readuntil(""))) instanceof RangeError);
    assert.ok((await rejection(reader.readuntil([]))) instanceof RangeError);
    assert.ok((await rejection(reader.readuntil(["a", ""]))) instanceof RangeError);
  });
});

// mirrors test_streams.StreamTests.test_readuntil_multi_chunks
test("readuntil finds a separator in one chunk or across chunks", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("lineAAA");
    assert.deepEqual(await reader.readuntil("AAA"), bytes("lineAAA"));
    reader.feedData("lineAAA");
    assert.deepEqual(await reader.readuntil(bytes("AAA")), bytes("lineAAA"));
    reader.feedData("lineAAAxxx");
    assert.deepEqual(await reader.readuntil("AAA"), bytes("lineAAA"));
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes("xxx"));
  });
});

// mirrors test_streams.StreamTests.test_readuntil_multi_chunks_1
test("readuntil finds a separator split over several feeds", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("QWEaa");
    reader.feedData("XYaa");
    reader.feedData("a");
    assert.deepEqual(await reader.readuntil("aaa"), bytes("QWEaaXYaaa"));

    for (const parts of [["QWEaa", "XYa", "aa"], ["aaa"], ["Xaaa"], ["XXX", "a", "a", "a"]]) {
      for (const part of parts) reader.feedData(part);
      assert.deepEqual(await reader.readuntil("aaa"), bytes(parts.join("")));
    }
    // Fed while readuntil waits.
    const task = asyncio.createTask(() => reader.readuntil("aaa"));
    await asyncio.sleep(0);
    reader.feedData("XX");
    await asyncio.sleep(0);
    reader.feedData("a");
    await asyncio.sleep(0);
    reader.feedData("aa");
    assert.deepEqual(await task, bytes("XXaaa"));
  });
});

// mirrors test_streams.StreamTests.test_readuntil_eof
test("readuntil at the end of the stream fails with what was buffered", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("some dataAA");
    reader.feedEof();
    const error = await rejection(reader.readuntil("AAA"));
    assert.ok(error instanceof asyncio.IncompleteReadError);
    assert.deepEqual(Buffer.from(error.partial), bytes("some dataAA"));
    assert.equal(error.expected, null);
    assert.deepEqual(await reader.read(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_readuntil_limit_found_sep
test("readuntil over the limit fails and keeps the data", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 3 });
    reader.feedData("some dataAA");
    let error = await rejection(reader.readuntil("AAA"));
    assert.ok(error instanceof asyncio.LimitOverrunError);
    assert.match(error.message, /not found/);
    assert.equal(error.consumed, 9);
    reader.feedData("A");
    error = await rejection(reader.readuntil("AAA"));
    assert.ok(error instanceof asyncio.LimitOverrunError);
    assert.match(error.message, /is found/);
    assert.equal(error.consumed, 9);
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes("some dataAAA"));
  });
});

// mirrors test_streams.StreamTests.test_readuntil_multiple_separators
test("readuntil with several separators: the match that ends first wins", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("line 1\nline 2\r");
    assert.deepEqual(await reader.readuntil(["\r", "\n"]), bytes("line 1\n"));
    assert.deepEqual(await reader.readuntil(["\r", "\n"]), bytes("line 2\r"));
    reader.feedData("data\r\nmore");
    // "\r" ends before "\r\n" does.
    assert.deepEqual(await reader.readuntil(["\r\n", "\r"]), bytes("data\r"));
    assert.deepEqual(await reader.readuntil(["\n", "xx"]), bytes("\n"));
    // Waiting, with the separators given as bytes.
    const task = asyncio.createTask(() => reader.readuntil([bytes("E!"), bytes("!!")]));
    await asyncio.sleep(0);
    reader.feedData("E");
    await asyncio.sleep(0);
    reader.feedData("!");
    assert.deepEqual(await task, bytes("moreE!"));
  });
});

// mirrors test_streams.StreamTests.test_readuntil_multiple_separators_limit
test("readuntil with several separators respects the limit", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 3 });
    reader.feedData("some dataA");
    const error = await rejection(reader.readuntil(["A", "ome dataA"]));
    assert.ok(error instanceof asyncio.LimitOverrunError);
    assert.match(error.message, /is found/);
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes("some dataA"));
  });
});

// mirrors test_streams.StreamTests.test_readexactly_zero_or_less
test("readexactly(0) is empty; a negative size is a RangeError", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData(DATA);
    assert.deepEqual(await reader.readexactly(0), bytes(""));
    assert.ok((await rejection(reader.readexactly(-1))) instanceof RangeError);
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes(DATA));
  });
});

// mirrors test_streams.StreamTests.test_readexactly
test("readexactly waits until enough bytes are fed", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const n = 2 * DATA.length;
    const task = asyncio.createTask(() => reader.readexactly(n));
    await asyncio.sleep(0);
    reader.feedData(DATA);
    await asyncio.sleep(0);
    reader.feedData(DATA);
    await asyncio.sleep(0);
    reader.feedData(DATA);
    assert.deepEqual(await task, bytes(DATA + DATA));
    reader.feedEof();
    assert.deepEqual(await reader.read(), bytes(DATA));
  });
});

// mirrors test_streams.StreamTests.test_readexactly_limit
test("readexactly is not bounded by the limit", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 3 });
    reader.feedData("chunk");
    assert.deepEqual(await reader.readexactly(5), bytes("chunk"));
  });
});

// mirrors test_streams.StreamTests.test_readexactly_eof
test("readexactly at the end of the stream fails with the partial data", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const n = 2 * DATA.length;
    const task = asyncio.createTask(() => reader.readexactly(n));
    await asyncio.sleep(0);
    reader.feedData(DATA);
    reader.feedEof();
    const error = await rejection(task);
    assert.ok(error instanceof asyncio.IncompleteReadError);
    assert.deepEqual(Buffer.from(error.partial), bytes(DATA));
    assert.equal(error.expected, n);
    assert.equal(error.message, `18 bytes read on a total of ${n} expected bytes`);
    assert.deepEqual(await reader.read(), bytes(""));
  });
});

// mirrors test_streams.StreamTests.test_readexactly_exception
test("readexactly fails with the exception set", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("line\n");
    assert.deepEqual(await reader.readexactly(2), bytes("li"));
    const error = new Error("boom");
    reader.setException(error);
    assert.equal(await rejection(reader.readexactly(2)), error);
  });
});

// mirrors test_streams.StreamTests.test_exception
test("exception() returns what was set", () => {
  const reader = new asyncio.StreamReader();
  assert.equal(reader.exception(), null);
  const error = new Error("boom");
  reader.setException(error);
  assert.equal(reader.exception(), error);
});

// mirrors test_streams.StreamTests.test_exception_waiter
test("setting an exception wakes the waiting reader with it", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const error = new Error("boom");
    const reading = asyncio.createTask(() => reader.readline());
    const setting = asyncio.createTask(async () => {
      reader.setException(error);
    });
    const [outcome] = await asyncio.gather([reading, setting], { returnExceptions: true });
    assert.equal(outcome, error);
  });
});

// mirrors test_streams.StreamTests.test_exception_cancel
test("a cancelled read does not take the data fed after it", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const task = asyncio.createTask(() => reader.readline());
    await asyncio.sleep(0);
    task.cancel();
    await asyncio.sleep(0);
    // The cancelled waiter is gone: setting an exception and feeding data are fine.
    reader.setException(new asyncio.RuntimeError("boom"));
    reader.feedData("too late\n");
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.equal(String(reader).includes("waiter"), false);
  });
});

// mirrors test_streams.StreamTests.test___repr__waiter (one reader waits at a time)
test("a second task waiting for data is a RuntimeError", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const first = asyncio.createTask(() => reader.read(1));
    await asyncio.sleep(0);
    const error = await rejection(reader.readline());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(
      error.message,
      "readuntil() called while another coroutine is already waiting for incoming data",
    );
    reader.feedData("x");
    assert.deepEqual(await first, bytes("x"));
  });
});

test("a cancelled wait frees the reader at once (docs/differences.md)", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const first = asyncio.createTask(() => reader.readline());
    await asyncio.sleep(0);
    assert.equal(String(reader).includes("waiter"), true);
    first.cancel();
    assert.equal(String(reader).includes("waiter"), false);
    // Before the cancelled task resumes (CPython raises "already waiting" here).
    asyncio.getRunningLoop().callSoon(() => reader.feedData("line\n"));
    assert.deepEqual(await reader.readline(), bytes("line\n"));
    assert.ok((await rejection(first)) instanceof asyncio.CancelledError);
  });
});

test("a read cancelled by a timeout leaves the buffered data", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("partial");
    const started = asyncio.getRunningLoop().time();
    const error = await rejection(asyncio.timeout(5, () => reader.readexactly(100)));
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.ok(asyncio.getRunningLoop().time() - started >= 5);
    // Nothing was consumed, and a new read may wait.
    const task = asyncio.createTask(() => reader.readline());
    await asyncio.sleep(0);
    reader.feedData(" line\n");
    assert.deepEqual(await task, bytes("partial line\n"));
  });
});

test("strings are fed as UTF-8", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData("é\n");
    assert.deepEqual(await reader.readline(), Buffer.from([0xc3, 0xa9, 0x0a]));
  });
});

test("feeding after the end of the stream is an error", () => {
  const reader = new asyncio.StreamReader();
  reader.feedEof();
  assert.throws(() => reader.feedData("x"), asyncio.RuntimeError);
});

// mirrors test_streams.StreamTests.test_async_iter (the __aiter__/__anext__ protocol)
test("for await yields the lines until the end of the stream", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const feeder = asyncio.createTask(async () => {
      reader.feedData("line1\nline2\n");
      await asyncio.sleep(0);
      reader.feedData("line3");
      reader.feedEof();
    });
    const lines: string[] = [];
    for await (const line of reader) lines.push(line.toString());
    assert.deepEqual(lines, ["line1\n", "line2\n", "line3"]);
    await feeder;
  });
});

test("a large buffer is read back intact after many small feeds and reads", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 16 });
    const fed: Buffer[] = [];
    const read: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const chunk = bytes(`${i},`);
      fed.push(chunk);
      reader.feedData(chunk);
      if (i % 7 === 3) read.push(await reader.read(3));
      if (i % 50 === 0) read.push(await reader.readuntil(","));
    }
    reader.feedEof();
    read.push(await reader.read());
    assert.deepEqual(Buffer.concat(read), Buffer.concat(fed));
    assert.equal(reader.atEof(), true);
  });
});

test("a task waiting for data shows what it waits for (as a DeadlockError lists it)", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const blocked = asyncio.createTask(() => reader.readline());
    await asyncio.sleep(0);
    assert.equal(
      String(waitedOn(blocked)),
      "<Future pending: StreamReader.readuntil() on <StreamReader waiter>>",
    );
    reader.feedEof();
    assert.deepEqual(await blocked, bytes(""));
  });
});

test("a reader waited on from a second loop is a RuntimeError", async () => {
  const reader = new asyncio.StreamReader();
  await runVirtual(async () => {
    const task = asyncio.createTask(() => reader.read(1));
    await asyncio.sleep(0);
    reader.feedData("x");
    assert.deepEqual(await task, bytes("x"));
  });
  await runVirtual(async () => {
    const error = await rejection(reader.read(1));
    assert.ok(error instanceof asyncio.RuntimeError);
  });
});

test("a burst larger than the buffer's usual size is read back, and reading goes on", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    const burst = Buffer.alloc(300_000, 0x61);
    reader.feedData(burst);
    assert.deepEqual(await reader.readexactly(burst.length), burst);
    reader.feedData("after\n");
    assert.deepEqual(await reader.readline(), bytes("after\n"));
  });
});

test("data already returned never change, whatever is fed and read after", async () => {
  // Reads may return views of the reader's storage: later data must never be written where a
  // returned buffer can see it. Seeded, so a failure replays.
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader({ limit: 2 ** 20 });
    const kept: [Buffer, Buffer][] = [];
    let expected = Buffer.alloc(0);
    for (let round = 0; round < 400; round++) {
      const size = 1 + random(random(4) === 0 ? 3000 : 40);
      const chunk = Buffer.alloc(size, 0x61 + random(26));
      if (random(3) === 0) chunk[size - 1] = 0x0a;
      reader.feedData(chunk);
      expected = Buffer.concat([expected, chunk]);
      const kind = random(3);
      if (kind === 0 && expected.includes(0x0a)) {
        const line = await reader.readline();
        kept.push([line, Buffer.from(line)]);
        expected = expected.subarray(line.length);
      } else if (kind === 1) {
        const data = await reader.read(1 + random(expected.length));
        kept.push([data, Buffer.from(data)]);
        expected = expected.subarray(data.length);
      }
      for (const [returned, copy] of kept) assert.deepEqual(returned, copy);
    }
    reader.feedEof();
    assert.deepEqual(await reader.read(), Buffer.from(expected));
  });
});

test("a buffer returned by a read is not overwritten when the reader makes room", async () => {
  await runVirtual(async () => {
    const reader = new asyncio.StreamReader();
    reader.feedData(Buffer.alloc(290, 0x61));
    reader.feedData(Buffer.alloc(290, 0x62));
    const first = await reader.read(350);
    const copy = Buffer.from(first);
    // The rest (230 bytes) and the new data fit at the start of the storage the first read
    // came from: the reader must not move them there.
    reader.feedData(Buffer.alloc(60, 0x63));
    assert.deepEqual(first, copy);
    reader.feedEof();
    assert.deepEqual(
      await reader.read(),
      Buffer.concat([Buffer.alloc(230, 0x62), Buffer.alloc(60, 0x63)]),
    );
  });
});
