/**
 * A Condition shared by a kitchen and three customers: each customer waits, holding the
 * condition's lock, until there is a dish; the kitchen serves one dish a second and notifies
 * one customer each time. The notes describe Condition without an example; this one is in
 * their spirit, and prints what its Python twin prints under CPython 3.13.
 *
 * Python:
 *   async def consumidor(condicao, pratos, nome):
 *       async with condicao:
 *           await condicao.wait_for(lambda: len(pratos) > 0)
 *           prato = pratos.pop(0)
 *           print(f"{nome} comeu {prato}")
 *
 *   async def produtor(condicao, pratos):
 *       for prato in ["pão", "queijo", "bolo"]:
 *           await asyncio.sleep(1)
 *           async with condicao:
 *               pratos.append(prato)
 *               print(f"Cozinha serviu {prato}")
 *               condicao.notify()
 *
 *   async def main():
 *       condicao = asyncio.Condition()
 *       pratos = []
 *       consumidores = [asyncio.create_task(consumidor(condicao, pratos, f"Cliente {i}"))
 *                       for i in range(1, 4)]
 *       await asyncio.sleep(0)
 *       print("Clientes esperando a comida")
 *       await produtor(condicao, pratos)
 *       for c in consumidores:
 *           await c
 *
 *   asyncio.run(main())
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function consumidor(
  condicao: asyncio.Condition,
  pratos: string[],
  nome: string,
): Promise<void> {
  await condicao.with(async () => {
    await condicao.waitFor(() => pratos.length > 0);
    const prato = pratos.shift();
    console.log(`${nome} comeu ${prato}`);
  });
}

async function produtor(condicao: asyncio.Condition, pratos: string[]): Promise<void> {
  for (const prato of ["pão", "queijo", "bolo"]) {
    await asyncio.sleep(1);
    await condicao.with(() => {
      pratos.push(prato);
      console.log(`Cozinha serviu ${prato}`);
      condicao.notify();
    });
  }
}

export async function main(): Promise<void> {
  const condicao = new asyncio.Condition();
  const pratos: string[] = [];
  const consumidores = [1, 2, 3].map((i) =>
    asyncio.createTask(() => consumidor(condicao, pratos, `Cliente ${i}`)),
  );
  await asyncio.sleep(0);
  console.log("Clientes esperando a comida");
  await produtor(condicao, pratos);
  for (const c of consumidores) await c;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
