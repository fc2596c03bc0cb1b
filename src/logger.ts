import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * The connector's logger. Logs carry ids (organization, run, record), never names, emails or tokens:
 * requests are logged by path only (query strings carry OAuth codes and search terms), and the redaction
 * below is a safety net for fields that could carry personal data.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['*.email', '*.accessToken', '*.refreshToken', '*.password', '*.authorization', '*.cookie'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  });
}
