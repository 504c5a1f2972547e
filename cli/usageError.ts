/** Bad input from the user (flags, stack file, fault names): one line, exit code 2, nothing run. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
