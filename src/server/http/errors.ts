import { errorMessages, errorStatus, type ErrorCode, type ApiErrorBody } from '../../shared/errors';

/** An error the API reports as `{ error: { code, message, details } }` with the code's status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    message?: string,
  ) {
    super(message ?? errorMessages[code]);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }
  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export const notFound = () => new AppError('not_found');
