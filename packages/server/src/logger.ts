import type { DestinationStream, LoggerOptions } from 'pino';
import type { LogLevel } from './config.js';

/**
 * Every path that could hold a token, a secret, a cookie or a credential is censored, at any
 * level. Requests are logged by Fastify with method, url, ip and headers-free serializers; bodies
 * are never logged.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hilal-session"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.userToken',
  '*.secret',
  '*.session',
  '*.password',
  '*.authorization',
  '*.cookie',
];

export function loggerOptions(
  level: LogLevel,
  stream?: DestinationStream,
): LoggerOptions & { stream?: DestinationStream } {
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (stream !== undefined) options.stream = stream;
  return options;
}
