/**
 * The CLI's logger: pino JSON with credentials censored, and process warnings logged, not printed.
 */
import { type Logger, pino } from 'pino';
import { UsageError } from './usage-error.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Structured JSON logs; anything that looks like a credential is censored wherever it appears. */
export function createLogger(name: string, level: string): Logger {
  if (!LEVELS.includes(level))
    throw new UsageError(`--log-level: ${level} is not one of ${LEVELS.join(', ')}`);
  return pino({
    name,
    level,
    redact: {
      paths: [
        'credentials',
        '*.credentials',
        'secretAccessKey',
        '*.secretAccessKey',
        'sessionToken',
        '*.sessionToken',
        'headers.authorization',
        '*.headers.authorization',
      ],
      censor: '[REDACTED]',
    },
  });
}

/**
 * Node writes process warnings (deprecations, the AWS SDK's notice about Node versions) to stderr as plain text,
 * which log pipelines cannot parse: they go to the structured log instead, as warnings.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    logger.warn({ warning: warning.name, ...(warning.code ? { code: warning.code } : {}) }, warning.message);
  });
}
