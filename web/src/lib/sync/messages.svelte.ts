// The message thread of a shared document as reactive state. Reads go through the model on every change
// (local or remote); a message posted here comes back through the observer like a remote one.
import {
  MessageError,
  listMessages,
  observeMessages,
  postMessage,
  type Actor,
  type Attachment,
  type Doc,
  type Message,
} from '@compagnon/model';

export class MessagesState {
  /** The thread, oldest first. */
  messages: Message[] = $state.raw([]);

  readonly #doc: Doc;
  readonly #actor: () => Actor;
  readonly #stop: () => void;

  constructor(doc: Doc, actor: () => Actor) {
    this.#doc = doc;
    this.#actor = actor;
    this.messages = listMessages(doc);
    this.#stop = observeMessages(doc, () => {
      this.messages = listMessages(doc);
    });
  }

  /** Posts a message (with the files already uploaded); answers its id, or the French reason it was refused. */
  post(text: string, attachments?: Attachment[]): { ok: true; id: string } | { ok: false; error: string } {
    try {
      return { ok: true, id: postMessage(this.#doc, this.#actor(), text, attachments).id };
    } catch (error) {
      if (error instanceof MessageError) return { ok: false, error: error.message };
      throw error;
    }
  }

  destroy(): void {
    this.#stop();
  }
}
