// Asks the user at the terminal, as oc does for `login -u` without -p: a line, or a password
// without echo. Without a terminal, one line of standard input is the answer (`echo pw | ims login`).
import { CliError } from './cli-error.ts';

/**
 * Reads one line of standard input, leaving the stream open for the next question (leaving a
 * `for await` loop early would destroy it).
 */
function readLine(): Promise<string> {
  const stdin = process.stdin;
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let text = '';
    const finish = (line: string) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      resolve(line.replace(/\r$/, ''));
    };
    const onData = (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) finish(text.slice(0, newline));
    };
    const onEnd = () => finish(text);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** The answer to `question`; typed characters are not shown when `secret`. Ctrl-C ends ims with 130. */
export async function prompt(question: string, options: { secret: boolean }): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY || !options.secret) {
    process.stderr.write(question);
    return readLine();
  }
  // Echo goes off before the question is shown, so nothing typed after it can appear.
  stdin.setRawMode(true);
  process.stderr.write(question);
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
