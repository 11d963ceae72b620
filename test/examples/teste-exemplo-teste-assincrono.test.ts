/**
 * The notes' pytest-asyncio example, with the test helper:
 *
 *     @pytest.mark.asyncio
 *     async def test_fetch_data():
 *         data = await fetch_data()
 *         assert data == 'data', "Resultado esperado não foi retornado."
 *
 * `asyncioTest` plays `@pytest.mark.asyncio`; under `clock: "virtual"` the two-second sleep
 * of `fetchData` ends at once, so the test takes milliseconds (pytest waits the two seconds).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { asyncioTest } from "asyncio-ts/testing";
import { fetchData } from "../../examples/exemplo-teste-assincrono.js";

test(
  "fetchData returns data",
  asyncioTest(
    async () => {
      const data = await fetchData();
      assert.equal(data, "data", "Resultado esperado não foi retornado.");
    },
    { clock: "virtual" },
  ),
);

test("under virtual time its two seconds take no real time", async () => {
  const started = performance.now();
  await asyncioTest(async () => assert.equal(await fetchData(), "data"), { clock: "virtual" })();
  assert.ok(performance.now() - started < 1000, "the 2 s sleep was virtual");
});
