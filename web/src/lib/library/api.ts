// The library endpoints, through the app's API client: failures are thrown as ApiError/NetworkError whose
// message (the server's, in French, or the client's own) can be shown as is.
import { request } from '../api/client.ts';
import type { LibraryItem, LibraryItemInput } from './types.ts';

const segment = encodeURIComponent;

export const libraryApi = {
  list: () => request<LibraryItem[]>('GET', '/api/library'),
  create: (input: LibraryItemInput) => request<LibraryItem>('POST', '/api/library', input),
  update: (id: string, input: LibraryItemInput) =>
    request<LibraryItem>('PUT', `/api/library/${segment(id)}`, input),
  remove: (id: string) => request<void>('DELETE', `/api/library/${segment(id)}`),
  /** Where a library document can be downloaded from. */
  fileUrl: (fileId: string) => `/api/files/${segment(fileId)}`,
};
