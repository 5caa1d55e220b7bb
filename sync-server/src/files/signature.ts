/**
 * Recognises the type of an uploaded file from its content (FILE2). The declared type and the name are
 * only used to tell apart formats that share a container (Office documents in a ZIP, Word 97 in OLE) and
 * to refuse text that claims to be something else; they are never trusted alone.
 */

export const ALLOWED_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  text: 'text/plain',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  doc: 'application/msword',
} as const;

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((ch) => ch.charCodeAt(0));

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ODT_MIMETYPE = ascii(`mimetype${ALLOWED_TYPES.odt}`);

/** Office Open XML: the package's part names are stored uncompressed in the ZIP headers. */
function officeOpenXml(bytes: Uint8Array): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.indexOf('[Content_Types].xml', 0, 'latin1') < 0) return null;
  if (buffer.indexOf('word/document.xml', 0, 'latin1') >= 0) return ALLOWED_TYPES.docx;
  if (buffer.indexOf('xl/workbook.xml', 0, 'latin1') >= 0) return ALLOWED_TYPES.xlsx;
  if (buffer.indexOf('ppt/presentation.xml', 0, 'latin1') >= 0) return ALLOWED_TYPES.pptx;
  return null;
}

/**
 * Plain text: valid UTF-8, no control characters other than tab, line feed, carriage return and form
 * feed, and not markup (a file starting with `<` — HTML, SVG, XML — is refused: a browser could render it).
 */
const isControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f;

function isPlainText(bytes: Uint8Array): boolean {
  // In UTF-8, a byte below 0x80 is always that ASCII character: control characters are found byte-wise.
  for (const byte of bytes) if (isControl(byte)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/^\s*</.test(text);
}

/** The recognised MIME type, or null when the content is not one of the allowed types. */
export function detectType(bytes: Uint8Array, name: string, declaredType: string): string | null {
  if (startsWith(bytes, ascii('%PDF-'))) return ALLOWED_TYPES.pdf;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ALLOWED_TYPES.png;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return ALLOWED_TYPES.jpeg;
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return ALLOWED_TYPES.gif;
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return ALLOWED_TYPES.webp;
  if (startsWith(bytes, ZIP)) {
    // OpenDocument: the first entry is `mimetype`, stored uncompressed, holding the document's type.
    if (startsWith(bytes, ODT_MIMETYPE, 30)) return ALLOWED_TYPES.odt;
    return officeOpenXml(bytes);
  }
  // OLE compound files hold Word 97–2003 documents, but also old Excel and PowerPoint files: only .doc.
  if (startsWith(bytes, OLE)) return /\.doc$/i.test(name) ? ALLOWED_TYPES.doc : null;
  // Text has no signature: it must also be declared as text (or undeclared), so that a file announced as
  // an image or a PDF but holding text is refused.
  const declared = declaredType.split(';')[0]!.trim().toLowerCase();
  const mayBeText =
    declared === '' || declared === 'application/octet-stream' || declared.startsWith('text/');
  if (mayBeText && isPlainText(bytes)) return ALLOWED_TYPES.text;
  return null;
}

/** A file name safe to store and to send back: no path, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).at(-1) ?? '';
  const clean = [...base.normalize('NFC')]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === '"' ? '_' : ch))
    .join('')
    .trim();
  return clean.slice(0, 200) || 'fichier';
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266, RFC 5987). */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
