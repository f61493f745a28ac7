// `ims` entry point: `serve` runs the server, every other command is the CLI.
import { parseServeFlags, serveHelp } from './server/config.ts';
import { runServer } from './server/serve.ts';
import { runCli } from './cli/main.ts';

const args = process.argv.slice(2);
if (args[0] === 'serve') {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(serveHelp);
  } else {
    try {
      await runServer(parseServeFlags(args.slice(1)));
    } catch (error) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
} else {
  process.exitCode = await runCli(args);
}
