// The document de synthèse's validation status: the server's record (validations and whether the text
// still matches), fetched on opening, a little after every change of the shared document, and every few
// seconds (a validation made on another device does not travel in the document).
import type { AccompanimentId, Doc } from '@compagnon/model';
import { api } from '../api/client.ts';
import type { Synthesis } from '../api/types.ts';

const AFTER_CHANGE_MS = 800;
const POLL_MS = 4000;

export type SynthesisValidation = Synthesis['validations'][number];

export class SynthesisStatus {
  /** The last validation, or null; undefined while the server was never reached. */
  last = $state.raw<SynthesisValidation | null | undefined>(undefined);
  validating = $state(false);
  error = $state<string | null>(null);

  readonly #id: AccompanimentId;
  readonly #doc: Doc;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #poll: ReturnType<typeof setInterval>;
  #destroyed = false;
  readonly #onUpdate = (): void => {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), AFTER_CHANGE_MS);
  };

  constructor(id: AccompanimentId, doc: Doc) {
    this.#id = id;
    this.#doc = doc;
    doc.on('update', this.#onUpdate);
    this.#poll = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, POLL_MS);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      const synthesis = await api.synthesis(this.#id);
      if (!this.#destroyed) this.last = synthesis.validations.at(-1) ?? null;
    } catch {
      // Offline: keep what we knew.
    }
  }

  /** The learner validates the synthesis as it is now (the server records the time and the text's hash). */
  async validate(): Promise<boolean> {
    this.validating = true;
    this.error = null;
    try {
      await api.validateSynthesis(this.#id);
      await this.refresh();
      return true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      this.validating = false;
    }
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    this.#doc.off('update', this.#onUpdate);
  }
}
