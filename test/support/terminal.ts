// Runs a command on a pseudo-terminal, as at a user's prompt, through util-linux `script`: what it
// wrote (standard output and error together, control sequences and all) and its exit code.
import { spawn } from 'node:child_process';
import { findExecutable, missingPeer } from './peers.ts';

export const scriptPath = findExecutable('script');

/** A reason to skip terminal tests when `script` is missing (util-linux's bsdutils on Debian). */
export const noTerminal = (): string | undefined => missingPeer('script (util-linux)', scriptPath, 'apt-get install bsdutils');

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export function runOnTerminal(
  command: readonly string[],
  options: { env?: NodeJS.ProcessEnv; columns?: number } = {},
): Promise<{ code: number | null; output: string }> {
  // `stty cols` gives the terminal a width, as a real one has; -e passes on the command's exit code.
  const line = `stty cols ${options.columns ?? 160} 2>/dev/null; exec ${command.map(shellQuote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(scriptPath!, ['-qfec', line, '/dev/null'], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
