// Runs the `ims` CLI inside the test's process (runCli with captured output), with its own config
// and cache: the same code as bin/ims from argument parsing on, without starting a Node per command.
// Tests of the process boundary (exit on a closed pipe, terminal prompts) use run-cli.ts instead.
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.ts';
import type { CliResult } from './run-cli.ts';
import { makeTempDir } from './temp-dir.ts';

export interface InProcessCli {
  run(args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<CliResult>;
  readonly configPath: string;
}

export function inProcessCli(): InProcessCli {
  const dir = makeTempDir('ims-cli');
  const configPath = join(dir, 'config.json');
  return {
    configPath,
    async run(args, options = {}) {
      const env = { IMS_CONFIG: configPath, IMS_CACHE_DIR: join(dir, 'cache'), IMS_SERVER: '', IMS_TOKEN: '', ...options.env };
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      let stdout = '';
      let stderr = '';
      try {
        const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), stdin: async () => options.stdin ?? '' });
        return { code, stdout, stderr };
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    },
  };
}
