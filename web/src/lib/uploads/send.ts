// The real sender of the upload queue: a multipart POST /api/files on the same origin (the session cookie
// goes with it; the browser adds the Origin the server checks). XMLHttpRequest rather than fetch, because
// only it reports how much of the file has left.
import { errorFromBody } from '../api/errors.ts';
import { m } from '../paraglide/messages.js';
import type { SendOutcome, SendRequest } from './upload-queue.ts';

interface FileAnswer {
  id: string;
  name: string;
  size: number;
  type: string;
}

function isFileAnswer(value: unknown): value is FileAnswer {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && v.id.length > 0;
}

/** Whether the server may accept the same request later (it is busy, down, or asks to slow down). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function refusalMessage(status: number, body: unknown): string {
  const fromServer = errorFromBody(body);
  if (fromServer) return fromServer;
  if (status === 413) return m.upload_server_too_large();
  if (status === 415) return m.upload_server_type();
  if (status === 401) return m.error_unauthorized();
  if (status === 403) return m.error_forbidden();
  if (status === 404) return m.error_not_found();
  return m.error_generic();
}

/** The server's status and body, or null when the request did not complete (network, abort). */
function post(
  form: FormData,
  onProgress?: (fraction: number) => void,
): Promise<{ status: number; text: string } | null> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/files');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => resolve(null);
    xhr.onabort = () => resolve(null);
    xhr.ontimeout = () => resolve(null);
    xhr.send(form);
  });
}

export async function sendUpload(request: SendRequest): Promise<SendOutcome> {
  const form = new FormData();
  form.append('file', new File([request.blob], request.name, { type: request.type }));
  if (request.accompanimentId) form.append('accompanimentId', request.accompanimentId);
  const res = await post(form, request.onProgress);
  // Status 0: the browser gave up (offline, connection reset).
  if (!res || res.status === 0) return { kind: 'retry', message: m.error_network() };
  let body: unknown;
  try {
    body = res.text ? (JSON.parse(res.text) as unknown) : undefined;
  } catch {
    body = undefined;
  }
  const ok = res.status >= 200 && res.status < 300;
  if (ok && isFileAnswer(body)) {
    return {
      kind: 'sent',
      file: {
        fileId: body.id,
        name: typeof body.name === 'string' && body.name ? body.name : request.name,
        size: typeof body.size === 'number' ? body.size : request.blob.size,
        type: typeof body.type === 'string' && body.type ? body.type : request.type,
      },
    };
  }
  if (ok) return { kind: 'rejected', message: m.error_generic() };
  if (isRetryableStatus(res.status))
    return { kind: 'retry', message: errorFromBody(body) ?? m.error_server() };
  return { kind: 'rejected', message: refusalMessage(res.status, body) };
}
