// Names of resource kinds and expectations in the current language.
import type { ExpectationKind, ResourceKind } from '@compagnon/model';
import { m } from '../paraglide/messages.js';
import type { LibraryItem } from './types.ts';

export function resourceKindLabel(kind: ResourceKind): string {
  switch (kind) {
    case 'text':
      return m.library_resource_kind_text();
    case 'link':
      return m.library_resource_kind_link();
    case 'video':
      return m.library_resource_kind_video();
    case 'document':
      return m.library_resource_kind_document();
  }
}

export function expectationLabel(kind: ExpectationKind): string {
  switch (kind) {
    case 'none':
      return m.library_expected_none();
    case 'reflection':
      return m.library_expected_reflection();
    case 'answer':
      return m.library_expected_answer();
    case 'document':
      return m.library_expected_document();
  }
}

/** One line telling what an item is: "Ressource · Lien", "Modèle d'étape · Attendu : Une réponse". */
export function itemSummary(item: LibraryItem): string {
  if (item.kind === 'exercise') {
    const count = item.exercise?.questions.length ?? 0;
    return count === 1 ? m.exercise_library_summary_one() : m.exercise_library_summary({ count });
  }
  if (item.kind === 'resource')
    return m.library_summary_resource({
      kind: item.resourceKind ? resourceKindLabel(item.resourceKind) : '',
    });
  return m.library_summary_step({ expected: expectationLabel(item.expected?.kind ?? 'none') });
}
