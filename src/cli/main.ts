export async function runCli(args: readonly string[]): Promise<number> {
  process.stderr.write(`error: unknown command ${args[0]}\n`);
  return 1;
}
