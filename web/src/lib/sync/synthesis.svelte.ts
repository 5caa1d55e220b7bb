// The document de synthèse's validation status and the learner's consents to pass it on: the server's
// record (validations and whether the text still matches, consents and whether they still hold), fetched on
// opening, a little after every change of the shared document, and every few seconds (a validation or a
// consent given on another device does not travel in the document).
import type { AccompanimentId, Doc } from '@compagnon/model';
import { api } from '../api/client.ts';
import type { NewSynthesisConsent, Synthesis, SynthesisConsent } from '../api/types.ts';

const AFTER_CHANGE_MS = 800;
const POLL_MS = 4000;

export type SynthesisValidation = Synthesis['validations'][number];

export class SynthesisStatus {
  /** The last validation, or null; undefined while the server was never reached. */
  last = $state.raw<SynthesisValidation | null | undefined>(undefined);
  validating = $state(false);
  error = $state<string | null>(null);
  /** The learner's consents, oldest first; undefined while the server was never reached. */
  consents = $state.raw<SynthesisConsent[] | undefined>(undefined);
  /** A consent being recorded, revoked or used: its id, or 'new'. */
  busy = $state<string | null>(null);

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
    const [synthesis, consents] = await Promise.allSettled([
      api.synthesis(this.#id),
      api.synthesisConsents(this.#id),
    ]);
    if (this.#destroyed) return;
    // Offline: keep what we knew.
    if (synthesis.status === 'fulfilled') this.last = synthesis.value.validations.at(-1) ?? null;
    if (consents.status === 'fulfilled') this.consents = consents.value;
  }

  /** The learner records a consent; answers the French reason it was refused, or null. */
  async addConsent(input: NewSynthesisConsent): Promise<string | null> {
    return this.#act('new', async () => {
      await api.addSynthesisConsent(this.#id, input);
    });
  }

  async revokeConsent(consentId: string): Promise<string | null> {
    return this.#act(consentId, async () => {
      await api.revokeSynthesisConsent(this.#id, consentId);
    });
  }

  /** The coach sends the PDF to the recipient of a valid consent. */
  async send(consentId: string): Promise<string | null> {
    return this.#act(consentId, async () => {
      await api.sendSynthesis(this.#id, consentId);
    });
  }

  async #act(key: string, run: () => Promise<void>): Promise<string | null> {
    this.busy = key;
    try {
      await run();
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      // Whatever happened (a refusal may mean the text changed meanwhile), show the server's view.
      await this.refresh();
      this.busy = null;
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
