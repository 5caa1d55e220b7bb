// A ProseMirror editor bound to a Yjs XML fragment: text through ySyncPlugin, remote carets through the
// awareness, undo limited to our own edits through yUndoPlugin.
import { baseKeymap, setBlockType, toggleMark, chainCommands } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { Schema, type MarkType, type NodeType } from 'prosemirror-model';
import { schema as basicSchema } from 'prosemirror-schema-basic';
import { addListNodes, liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { EditorState, Plugin, type Command } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { initProseMirrorDoc, redo, undo, yCursorPlugin, ySyncPlugin, yUndoPlugin } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import type { XmlFragment } from 'yjs';

export const notesSchema = new Schema({
  nodes: addListNodes(basicSchema.spec.nodes, 'paragraph block*', 'block'),
  marks: basicSchema.spec.marks,
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
