// Errors thrown by the API client. Their message is always ready to show to the user (in French when it
// comes from the server, which speaks French).

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The request never reached the server (offline, server down, DNS…). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/**
 * True when the failure says nothing about the data, only that the server cannot be reached right now:
 * the caller may fall back to what this device saved earlier.
 */
export function isUnavailable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ApiError && error.status >= 500);
}

/** The server's `{ error }` message, if the body carries one. */
export function errorFromBody(body: unknown): string | null {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'string' && error.trim()) return error;
    if (error && typeof error === 'object' && 'message' in error) {
      const message = (error as { message: unknown }).message;
      if (typeof message === 'string' && message.trim()) return message;
    }
  }
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message.trim()) return message;
  }
  return null;
}
