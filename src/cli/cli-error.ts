/** A failure the user can fix (bad file, bad flag): printed as one clear message, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
