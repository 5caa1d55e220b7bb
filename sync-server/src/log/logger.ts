/**
 * The server's only way to write logs. Callers pass messages they built themselves: never a password, a
 * token, a cookie or a request body (AUTH10).
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(`⚠ ${message}`),
  error: (message, error) =>
    console.error(error === undefined ? `✗ ${message}` : `✗ ${message}\n${describe(error)}`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Keeps every line in memory (tests read it to check that no secret is ever logged). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m, e) => lines.push(e === undefined ? m : `${m}\n${describe(e)}`),
  };
}
