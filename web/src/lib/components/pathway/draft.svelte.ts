// A text field bound to a shared value: local typing is written after a short pause (and on blur), remote
// changes show up as soon as nothing local is waiting to be written.
import { tick } from 'svelte';
import { shiftCaret } from '../../sync/caret.ts';

export const DRAFT_DELAY_MS = 300;

/** Drafts with typing not yet written, so that an action depending on them can write them first. */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
const pending = new Set<DraftText>();

/** Writes every pending draft now (e.g. before marking a step done, which checks the contribution). */
export function flushDrafts(): void {
  for (const draft of [...pending]) draft.flush();
}

export class DraftText {
  value = $state('');
  #pending = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #write: (value: string) => void;
  readonly #delay: number;

  constructor(initial: string, write: (value: string) => void, delay = DRAFT_DELAY_MS) {
    this.value = initial;
    this.#write = write;
    this.#delay = delay;
  }

  get pending(): boolean {
    return this.#pending;
  }

  input(value: string): void {
    this.value = value;
    this.#pending = true;
    pending.add(this);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), this.#delay);
  }

  flush(): void {
    clearTimeout(this.#timer);
    pending.delete(this);
    if (!this.#pending) return;
    this.#pending = false;
    this.#write(this.value);
  }

  /** The shared value changed: take it unless a local edit is about to be written. */
  receive(remote: string): boolean {
    if (this.#pending || remote === this.value) return false;
    this.value = remote;
    return true;
  }

  /**
   * `receive`, for the text area showing this draft: when it has the focus, its caret stays on the same
   * text instead of jumping to the end.
   */
  receiveIn(remote: string, field: HTMLTextAreaElement | undefined): void {
    const before = this.value;
    const focused = field !== undefined && document.activeElement === field;
    const start = field?.selectionStart ?? 0;
    const end = field?.selectionEnd ?? 0;
    if (!this.receive(remote) || !focused || !field) return;
    void tick().then(() =>
      field.setSelectionRange(shiftCaret(before, remote, start), shiftCaret(before, remote, end)),
    );
  }
}
