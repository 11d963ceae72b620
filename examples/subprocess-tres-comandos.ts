/**
 * Three commands run at once with `gather`; their outputs are printed in the order the
 * commands were given, not the order they finish (the first one sleeps and ends last).
 *
 * Python (3.13 prints the same three lines):
 *   async def executar(numero, programa, *args):
 *       proc = await asyncio.create_subprocess_exec(programa, *args, stdout=asyncio.subprocess.PIPE)
 *       saida, _ = await proc.communicate()
 *       return f'Comando {numero} (código {proc.returncode}): {saida.decode().strip()}'
 *
 *   async def main():
 *       saidas = await asyncio.gather(
 *           executar(1, 'sh', '-c', 'sleep 0.2; echo primeiro, o mais lento'),
 *           executar(2, 'echo', 'segundo'),
 *           executar(3, sys.executable, '-c', "print('terceiro')"),
 *       )
 *       for saida in saidas:
 *           print(saida)
 *
 * The third command is this program's interpreter, as `sys.executable` is Python's:
 * `process.execPath -e ...` here.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function executar(numero: number, programa: string, ...args: string[]): Promise<string> {
  const proc = await asyncio.createSubprocessExec(programa, args, { stdout: asyncio.PIPE });
  // communicate() reads stdout to its end and waits for the exit.
  const [saida] = await proc.communicate();
  return `Comando ${numero} (código ${proc.returncode}): ${saida?.toString().trim()}`;
}

export async function main(): Promise<void> {
  // gather keeps the order of its arguments: the results come back as a tuple.
  const saidas = await asyncio.gather(
    () => executar(1, "sh", "-c", "sleep 0.2; echo primeiro, o mais lento"),
    () => executar(2, "echo", "segundo"),
    () => executar(3, process.execPath, "-e", "console.log('terceiro')"),
  );
  for (const saida of saidas) console.log(saida);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
