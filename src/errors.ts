// An error caused by the user's input or environment: printed as one line, exit code 2, no stack.
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}
