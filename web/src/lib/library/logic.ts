// Pure helpers of the library: grouping, searching, turning the forms into API bodies, and copying an item
// into a pathway step.
import type { Expectation, ExpectationKind, ResourceKind, StepResource } from '@compagnon/model';
import type { LibraryItem, LibraryItemInput, NewLibraryStep } from './types.ts';

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

function byTitle(a: LibraryItem, b: LibraryItem): number {
  return collator.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface LibraryGroups {
  resources: LibraryItem[];
  steps: LibraryItem[];
  /** Exercises whose definition this client can read (placed into a step, never inserted as one). */
  exercises: LibraryItem[];
}

/** Resources, step templates and exercises, each in alphabetical order. */
export function groupLibrary(items: readonly LibraryItem[]): LibraryGroups {
  const sorted = [...items].sort(byTitle);
  return {
    resources: sorted.filter((i) => i.kind === 'resource'),
    steps: sorted.filter((i) => i.kind === 'step'),
    exercises: sorted.filter((i) => i.kind === 'exercise' && i.exercise),
  };
}

/** Lower case without accents: "Évaluer" is found by "evaluer". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** The items whose title, content, address, file, instruction or questions hold every word of `query`. */
export function filterLibrary(items: readonly LibraryItem[], query: string): LibraryItem[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...items];
  return items.filter((item) => {
    const exercise = item.exercise
      ? [item.exercise.instructions, ...item.exercise.questions.map((q) => q.prompt)]
      : [];
    const haystack = fold(
      [item.title, item.body, item.url, item.fileName, item.expected?.prompt, ...exercise]
        .filter(Boolean)
        .join(' '),
    );
    return words.every((w) => haystack.includes(w));
  });
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export interface ResourceDraft {
  resourceKind: ResourceKind;
  title: string;
  body: string;
  url: string;
  fileId: string | null;
}

export interface StepDraft {
  title: string;
  expectedKind: ExpectationKind;
  prompt: string;
}

/** What is missing or wrong in a form, in the order of its fields. */
export type DraftProblem = 'title' | 'body' | 'url' | 'url_invalid' | 'file';

export type DraftResult = { ok: true; input: LibraryItemInput } | { ok: false; problem: DraftProblem };

/** The body of POST/PUT for a resource: only the fields its kind uses. */
export function resourceInput(draft: ResourceDraft): DraftResult {
  const title = draft.title.trim();
  if (!title) return { ok: false, problem: 'title' };
  const kind = draft.resourceKind;
  if (kind === 'text') {
    const body = draft.body.trim();
    if (!body) return { ok: false, problem: 'body' };
    return { ok: true, input: { kind: 'resource', resourceKind: kind, title, body } };
  }
  if (kind === 'link' || kind === 'video') {
    const url = draft.url.trim();
    if (!url) return { ok: false, problem: 'url' };
    if (!isHttpUrl(url)) return { ok: false, problem: 'url_invalid' };
    return { ok: true, input: { kind: 'resource', resourceKind: kind, title, url } };
  }
  if (!draft.fileId) return { ok: false, problem: 'file' };
  return { ok: true, input: { kind: 'resource', resourceKind: kind, title, fileId: draft.fileId } };
}

/**
 * The body of POST/PUT for a step template. `base` is the template being edited: the resource it may carry
 * (not edited by this form) is sent back unchanged.
 */
export function stepInput(draft: StepDraft, base?: LibraryItem | null): DraftResult {
  const title = draft.title.trim();
  if (!title) return { ok: false, problem: 'title' };
  const input: NewLibraryStep = {
    kind: 'step',
    title,
    expected: { kind: draft.expectedKind, prompt: draft.prompt.trim() },
  };
  if (base?.resourceKind) {
    input.resourceKind = base.resourceKind;
    if (base.body) input.body = base.body;
    if (base.url) input.url = base.url;
    if (base.fileId) input.fileId = base.fileId;
  }
  return { ok: true, input };
}

/** The copy of an item's resource that a step carries (null for a step template without one). */
export function toStepResource(item: LibraryItem): StepResource | null {
  if (!item.resourceKind) return null;
  const resource: StepResource = { kind: item.resourceKind, title: item.title };
  if (item.body) resource.body = item.body;
  if (item.url) resource.url = item.url;
  if (item.fileId) resource.fileId = item.fileId;
  if (item.fileName) resource.fileName = item.fileName;
  return resource;
}

/** What a step copied from this item asks of the learner. */
export function toExpectation(item: LibraryItem): Expectation {
  return item.expected
    ? { kind: item.expected.kind, prompt: item.expected.prompt }
    : { kind: 'none', prompt: '' };
}
