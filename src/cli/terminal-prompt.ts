// Asks the user at the terminal, as oc does for `login -u` without -p: a line, or a password
// without echo. Without a terminal, one line of standard input is the answer (`echo pw | ims login`).
import { CliError } from './cli-error.ts';

/** Reads one line of a non-terminal standard input. */
async function readLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) {
      process.stdin.pause();
      return text.slice(0, newline).replace(/\r$/, '');
    }
  }
  return text;
}

/** The answer to `question`; typed characters are not shown when `secret`. Ctrl-C ends ims with 130. */
export async function prompt(question: string, options: { secret: boolean }): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  if (!stdin.isTTY) return readLine();
  if (!options.secret) {
    stdin.setEncoding('utf8');
    return readLine();
  }
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let answer = '';
      const onData = (typed: string) => {
        for (const char of typed) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            resolve(answer);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(Object.assign(new CliError('interrupted'), { exitCode: 130 }));
            return;
          }
          if (char === '\u0004' && answer === '') {
            stdin.off('data', onData);
            reject(new CliError('no password given'));
            return;
          }
          if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
          else if (char >= ' ') answer += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
