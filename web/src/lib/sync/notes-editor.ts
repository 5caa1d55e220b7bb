// A ProseMirror editor bound to a Yjs XML fragment: text through ySyncPlugin, remote carets through the
// awareness, undo limited to our own edits through yUndoPlugin.
import { baseKeymap, setBlockType, toggleMark, chainCommands } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { Schema, type MarkSpec, type MarkType, type NodeSpec, type NodeType } from 'prosemirror-model';
import { schema as basicSchema } from 'prosemirror-schema-basic';
import { addListNodes, liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { EditorState, Plugin, type Command } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { initProseMirrorDoc, redo, undo, yCursorPlugin, ySyncPlugin, yUndoPlugin } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import type { XmlFragment } from 'yjs';

/**
 * Where a link may point: web pages and e-mail addresses, absolute only. Anything else (`javascript:`,
 * `data:`, `vbscript:`, relative or unparsable) is refused, whatever its case or the blanks hidden in it.
 */
export function safeHref(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** What an image may show: an https address or an inline raster image (never a script, never SVG). */
export function safeImageSrc(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (/^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// The notes' rich text: what the basic schema offers, with links and images made harmless both ways — on
// paste (parseDOM drops a dangerous link or image, its text stays) and on display (toDOM never writes an
// unsafe address, whatever a peer put in the shared document). Only the attributes each node declares are
// ever written to the page, and a node or mark this schema does not know is dropped by y-prosemirror: a
// `<script>`, an `<iframe>` or an `onerror` attribute pushed by a peer never reaches the page
// (notes-schema.test.ts).
const basicNodes = basicSchema.spec.nodes;
const basicMarks = basicSchema.spec.marks;

const headingSpec: NodeSpec = {
  ...basicNodes.get('heading')!,
  toDOM: (node) => [`h${Math.min(6, Math.max(1, Math.trunc(Number(node.attrs.level)) || 1))}`, 0],
};

const imageSpec: NodeSpec = {
  ...basicNodes.get('image')!,
  parseDOM: [
    {
      tag: 'img[src]',
      getAttrs: (dom: HTMLElement) => {
        const src = safeImageSrc(dom.getAttribute('src'));
        return src ? { src, title: dom.getAttribute('title'), alt: dom.getAttribute('alt') } : false;
      },
    },
  ],
  toDOM: (node) => {
    const src = safeImageSrc(node.attrs.src);
    const { alt, title } = node.attrs as { alt: string | null; title: string | null };
    return ['img', src ? { src, alt, title } : { alt, title }];
  },
};

const linkSpec: MarkSpec = {
  ...basicMarks.get('link')!,
  parseDOM: [
    {
      tag: 'a[href]',
      getAttrs: (dom: HTMLElement) => {
        const href = safeHref(dom.getAttribute('href'));
        return href ? { href, title: dom.getAttribute('title') } : false;
      },
    },
  ],
  toDOM: (mark) => {
    const href = safeHref(mark.attrs.href);
    const title = mark.attrs.title as string | null;
    return ['a', href ? { href, title, rel: 'noopener noreferrer nofollow' } : { title }, 0];
  },
};

export const notesSchema = new Schema({
  nodes: addListNodes(
    basicNodes.update('heading', headingSpec).update('image', imageSpec),
    'paragraph block*',
    'block',
  ),
  marks: basicMarks.update('link', linkSpec),
});

function nodeType(name: string): NodeType {
  const type = notesSchema.nodes[name];
  if (!type) throw new Error(`Unknown node type ${name}`);
  return type;
}

function markType(name: string): MarkType {
  const type = notesSchema.marks[name];
  if (!type) throw new Error(`Unknown mark type ${name}`);
  return type;
}

const nodes = {
  paragraph: nodeType('paragraph'),
  heading: nodeType('heading'),
  bullet_list: nodeType('bullet_list'),
  list_item: nodeType('list_item'),
};
const marks = { strong: markType('strong'), em: markType('em') };

export interface ToolbarState {
  bold: boolean;
  italic: boolean;
  heading: boolean;
  bulletList: boolean;
}

function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

function inNode(state: EditorState, type: NodeType): boolean {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) if ($from.node(depth).type === type) return true;
  return false;
}

export function toolbarState(state: EditorState): ToolbarState {
  return {
    bold: markActive(state, marks.strong),
    italic: markActive(state, marks.em),
    heading: state.selection.$from.parent.type === nodes.heading,
    bulletList: inNode(state, nodes.bullet_list),
  };
}

const toggleHeading: Command = (state, dispatch) =>
  state.selection.$from.parent.type === nodes.heading
    ? setBlockType(nodes.paragraph)(state, dispatch)
    : setBlockType(nodes.heading, { level: 2 })(state, dispatch);

const toggleBulletList: Command = (state, dispatch) =>
  inNode(state, nodes.bullet_list)
    ? liftListItem(nodes.list_item)(state, dispatch)
    : wrapInList(nodes.bullet_list)(state, dispatch);

/** Shows a hint in the empty editor (a decoration: never written to the shared document). */
function placeholderPlugin(text: string): Plugin {
  return new Plugin({
    props: {
      decorations(state) {
        const { doc } = state;
        const first = doc.firstChild;
        if (doc.childCount !== 1 || !first || !first.isTextblock || first.content.size > 0) return null;
        return DecorationSet.create(doc, [
          Decoration.node(0, first.nodeSize, { class: 'is-empty', 'data-placeholder': text }),
        ]);
      },
    },
  });
}

export interface NotesEditorOptions {
  fragment: XmlFragment;
  awareness: Awareness;
  /** Accessible name of the editing area. */
  label: string;
  placeholder: string;
  /**
   * The awareness field carrying our caret in this editor. Editors sharing one awareness (several fragments
   * of one document) each need their own, or one editor losing focus would clear the other's caret.
   */
  cursorField?: string;
  onChange?: (state: ToolbarState) => void;
}

export interface NotesEditor {
  readonly view: EditorView;
  toggleBold(): void;
  toggleItalic(): void;
  toggleHeading(): void;
  toggleBulletList(): void;
  destroy(): void;
}

export function createNotesEditor(mount: HTMLElement, options: NotesEditorOptions): NotesEditor {
  // An empty fragment would give an empty doc, which has no place for the caret (so the toolbar could
  // not act): start from one empty paragraph instead; it reaches Yjs with the first edit.
  const { doc, mapping } =
    options.fragment.length > 0
      ? initProseMirrorDoc(options.fragment, notesSchema)
      : { doc: notesSchema.topNodeType.createAndFill() ?? undefined, mapping: new Map() };
  const state = EditorState.create({
    doc,
    schema: notesSchema,
    plugins: [
      ySyncPlugin(options.fragment, { mapping }),
      yCursorPlugin(options.awareness, {}, options.cursorField ?? 'cursor'),
      yUndoPlugin(),
      // Tab is left alone so that keyboard users can leave the editor; lists nest with Mod-] / Mod-[.
      keymap({
        'Mod-z': undo,
        'Mod-y': redo,
        'Mod-Shift-z': redo,
        'Mod-b': toggleMark(marks.strong),
        'Mod-i': toggleMark(marks.em),
        'Mod-Alt-2': toggleHeading,
        'Mod-Shift-8': toggleBulletList,
        'Mod-]': sinkListItem(nodes.list_item),
        'Mod-[': liftListItem(nodes.list_item),
        Enter: chainCommands(splitListItem(nodes.list_item), baseKeymap.Enter!),
      }),
      keymap(baseKeymap),
      placeholderPlugin(options.placeholder),
    ],
  });

  const view: EditorView = new EditorView(mount, {
    state,
    attributes: {
      role: 'textbox',
      'aria-multiline': 'true',
      'aria-label': options.label,
      spellcheck: 'true',
      lang: document.documentElement.lang || 'fr',
    },
    dispatchTransaction(tr) {
      // y-prosemirror batches awareness updates in a timeout that can fire after the view was destroyed.
      if (view.isDestroyed) return;
      view.updateState(view.state.apply(tr));
      options.onChange?.(toolbarState(view.state));
    },
  });
  options.onChange?.(toolbarState(view.state));

  const run = (command: Command): void => {
    command(view.state, view.dispatch, view);
    view.focus();
  };

  return {
    view,
    toggleBold: () => run(toggleMark(marks.strong)),
    toggleItalic: () => run(toggleMark(marks.em)),
    toggleHeading: () => run(toggleHeading),
    toggleBulletList: () => run(toggleBulletList),
    destroy: () => view.destroy(),
  };
}
