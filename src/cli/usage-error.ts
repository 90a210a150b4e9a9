/** A command line that cannot be run as given: exit status 2, and a pointer to the command's --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Node's parseArgs reports unknown options, missing values and stray arguments with these codes. */
export const isParseArgsError = (err: unknown): boolean =>
  typeof (err as { code?: unknown })?.code === 'string' &&
  (err as { code: string }).code.startsWith('ERR_PARSE_ARGS_');
