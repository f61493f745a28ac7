// An error the CLI reports to the user as `error: <message>` with exit code 1.
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
