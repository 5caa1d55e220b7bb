// What the server accepts as a file (POST /api/files), checked before a file is queued so that the person
// hears about a refusal right away rather than once the connection is back. The server has the last word.

/** 10 MiB, the server's limit. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Accepted types, by extension: PDF, images, plain text, Word, Excel, PowerPoint and OpenDocument text. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
};

export const ACCEPTED_TYPES: readonly string[] = [...new Set(Object.values(TYPES_BY_EXTENSION))];
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.keys(TYPES_BY_EXTENSION).map((e) => `.${e}`);

/** The `accept` attribute of a file input: extensions and types, so every platform's picker filters. */
export const ACCEPT_ATTRIBUTE = [...ACCEPTED_EXTENSIONS, ...ACCEPTED_TYPES].join(',');

export interface FileFacts {
  name: string;
  size: number;
  type: string;
}

export type FileProblem = 'empty' | 'too_large' | 'type';

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function baseType(type: string): string {
  return (type.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The type to send: the browser's when it is one we accept, otherwise the one its extension implies (some
 * systems give office documents no type, or a generic one).
 */
export function effectiveType(name: string, type: string): string {
  const given = baseType(type);
  if (ACCEPTED_TYPES.includes(given)) return given;
  return TYPES_BY_EXTENSION[extensionOf(name)] ?? given;
}

/** Why this file cannot be sent, or null when it may be queued. */
export function checkFile(file: FileFacts): FileProblem | null {
  if (!ACCEPTED_TYPES.includes(effectiveType(file.name, file.type))) return 'type';
  if (file.size <= 0) return 'empty';
  if (file.size > MAX_UPLOAD_BYTES) return 'too_large';
  return null;
}
