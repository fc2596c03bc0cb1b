/**
 * The base of every error the connector raises on purpose. `code` is stable (documented in docs/errors.md
 * and never reused for another meaning); `message` tells the reader what to do; `httpStatus` is the answer
 * a web route gives when the error reaches it.
 */
export abstract class ConnectorError extends Error {
  abstract readonly code: string;
  readonly httpStatus: number = 500;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
