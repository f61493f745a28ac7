// `ims` entry point: `serve` runs the server, every other command is the CLI. Each side is loaded
// only when it runs, after Node's compile cache is on, so a CLI command never pays for the server's
// modules and later runs skip compiling what earlier ones compiled.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
const args = process.argv.slice(2);
if (args[0] === 'serve') {
  const { parseServeFlags, serveHelp } = await import('./server/config.ts');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(serveHelp);
  } else {
    try {
      const { runServer } = await import('./server/serve.ts');
      await runServer(parseServeFlags(args.slice(1)));
    } catch (error) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
} else {
  const { endQuietlyOnClosedPipes, runCli } = await import('./cli/main.ts');
  endQuietlyOnClosedPipes();
  process.exitCode = await runCli(args);
}
