// Pure helpers of the workshop page: where a keyboard move sends a note, the combined sync status, the
// rows of a poll's results, short names for buttons.
import type { Board, PollDefinition } from '@compagnon/model';
import type { SyncStatus } from '../sync/sync-status.ts';
import type { PollResults } from './types.ts';

export type NoteDirection = 'previous' | 'next' | 'up' | 'down';

/** Where a note is on the board: its column's index and its index in that column. */
export function locateNote(board: Board, noteId: string): { columnIndex: number; index: number } | null {
  for (let c = 0; c < board.columns.length; c++) {
    const index = board.columns[c]!.notes.findIndex((n) => n.id === noteId);
    if (index >= 0) return { columnIndex: c, index };
  }
  return null;
}

/**
 * The `moveNote` target of one keyboard step: up/down within the column, previous/next column (at its end).
 * `null` when the note is already at that edge, `'gone'` when it is no longer on the board.
 */
export function stepTarget(
  board: Board,
  noteId: string,
  direction: NoteDirection,
): { columnId: string; index: number } | null | 'gone' {
  const at = locateNote(board, noteId);
  if (!at) return 'gone';
  const column = board.columns[at.columnIndex]!;
  if (direction === 'up' || direction === 'down') {
    // `moveNote` counts positions without the moved note: one place up is index - 1, one down index + 1.
    const index = at.index + (direction === 'up' ? -1 : 1);
    return index < 0 || index >= column.notes.length ? null : { columnId: column.id, index };
  }
  const target = board.columns[at.columnIndex + (direction === 'previous' ? -1 : 1)];
  return target ? { columnId: target.id, index: target.notes.length } : null;
}

/** The least good of several connections: offline beats syncing beats online. */
export function worstStatus(statuses: SyncStatus[]): SyncStatus {
  if (statuses.includes('offline')) return 'offline';
  if (statuses.includes('syncing')) return 'syncing';
  return 'online';
}

/** A text cut to fit in a button's name (whole text when short). */
export function shortLabel(text: string, max = 60): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

/** One row per option, in the poll's order: its count and its share of the votes (0 when none). */
export function pollRows(
  options: PollDefinition['options'],
  results: PollResults | null,
): { id: string; label: string; count: number; share: number }[] {
  const total = results?.total ?? 0;
  return options.map((option) => {
    const count = results?.counts[option.id] ?? 0;
    return { ...option, count, share: total > 0 ? count / total : 0 };
  });
}
