// One participant's private answers document (that participant and the coach only) as reactive state.
import {
  markAnswerShared,
  observePrivateAnswers,
  readPrivateAnswers,
  setPrivateAnswer,
  type PrivateAnswer,
} from '@compagnon/model';
import { DocConnection } from '../sync/doc-connection.svelte.ts';
import { attempt, type Outcome } from './workshop-doc.svelte.ts';

export class AnswersState {
  /** Answers by prompt id. */
  answers: Readonly<Record<string, PrivateAnswer>> = $state.raw({});

  readonly connection: DocConnection;
  readonly #stop: () => void;

  constructor(docName: string) {
    this.connection = new DocConnection(docName);
    const doc = this.connection.doc;
    this.answers = readPrivateAnswers(doc);
    this.#stop = observePrivateAnswers(doc, () => {
      this.answers = readPrivateAnswers(doc);
    });
  }

  set(promptId: string, text: string): Outcome {
    return attempt(() => setPrivateAnswer(this.connection.doc, promptId, text));
  }

  markShared(promptId: string): Outcome {
    return attempt(() => markAnswerShared(this.connection.doc, promptId));
  }

  destroy(): void {
    this.#stop();
    this.connection.destroy();
  }
}
