import * as Y from 'yjs';
import { ROOT, SCHEMA_VERSION } from '../schema/keys.ts';

export const ACCOMPANIMENT_KINDS = ['bilan', 'outplacement', 'coaching', 'insertion', 'autre'] as const;
export type AccompanimentKind = (typeof ACCOMPANIMENT_KINDS)[number];

export interface Meta {
  schemaVersion: number;
  title: string;
  kind: AccompanimentKind;
  /** Contracted hours with the provider (a bilan is capped at 24 h by law). */
  hoursBudget: number;
}

export const TITLE_MAX = 200;
export const HOURS_MAX = 2000;

export function isAccompanimentKind(value: unknown): value is AccompanimentKind {
  return typeof value === 'string' && (ACCOMPANIMENT_KINDS as readonly string[]).includes(value);
}

function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.meta);
}

export function writeMeta(doc: Y.Doc, meta: Omit<Meta, 'schemaVersion'>): void {
  doc.transact(() => {
    const m = metaMap(doc);
    m.set('schemaVersion', SCHEMA_VERSION);
    m.set('title', meta.title);
    m.set('kind', meta.kind);
    m.set('hoursBudget', meta.hoursBudget);
  });
}

/** The meta of a document, or null while it has not arrived (a fresh local doc before first sync). */
export function readMeta(doc: Y.Doc): Meta | null {
  const m = metaMap(doc);
  const title = m.get('title');
  const kind = m.get('kind');
  const hoursBudget = m.get('hoursBudget');
  const schemaVersion = m.get('schemaVersion');
  if (typeof title !== 'string' || !isAccompanimentKind(kind) || typeof hoursBudget !== 'number') return null;
  return { title, kind, hoursBudget, schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 0 };
}

export function renameAccompaniment(doc: Y.Doc, title: string): void {
  metaMap(doc).set('title', title.trim().slice(0, TITLE_MAX));
}
