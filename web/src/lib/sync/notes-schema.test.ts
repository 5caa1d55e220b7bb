// A learner (or anyone with a connection to the shared document) can push any Yjs XML into the notes: the
// server relays document updates as opaque data. What protects the coach is the editor: y-prosemirror
// turns the fragment into a ProseMirror document of `notesSchema` — a node or mark the schema does not know
// is dropped, undeclared attributes are ignored — and the page only ever receives what the schema's
// `toDOM` writes. These tests push hostile content through an encoded update (the bytes the socket
// carries) and check everything the coach's editor would write to the page.
import { Node as PmNode, type DOMOutputSpec, type Mark } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { initProseMirrorDoc } from 'y-prosemirror';
import * as Y from 'yjs';
import { notesSchema, safeHref, safeImageSrc } from './notes-editor.ts';

interface Written {
  tag: string;
  attrs: Record<string, unknown>;
}

/** Every element the output spec would create (DOMSerializer's reading of it, without a DOM). */
function elementsOf(spec: DOMOutputSpec, out: Written[]): void {
  if (typeof spec === 'string' || !Array.isArray(spec)) return;
  const [tag, ...rest] = spec as readonly [string, ...unknown[]];
  const first = rest[0];
  const attrs =
    first !== null && typeof first === 'object' && !Array.isArray(first)
      ? (first as Record<string, unknown>)
      : {};
  out.push({ tag, attrs });
  for (const child of rest) if (Array.isArray(child)) elementsOf(child as unknown as DOMOutputSpec, out);
}

/** What the coach's editor writes to the page for this document: tags and attributes. */
function rendered(doc: PmNode): Written[] {
  const out: Written[] = [];
  const renderMark = (mark: Mark): void => {
    const toDOM = mark.type.spec.toDOM;
    if (toDOM) elementsOf(toDOM(mark, true), out);
  };
  doc.descendants((node) => {
    node.marks.forEach(renderMark);
    const toDOM = node.type.spec.toDOM;
    if (toDOM) elementsOf(toDOM(node), out);
    return true;
  });
  return out;
}

const ALLOWED_TAGS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'hr',
  'br',
  'img',
  'a',
  'em',
  'strong',
]);

/** A learner's device writes hostile XML into the shared notes; the coach's copy receives the update. */
function relayed(write: (notes: Y.XmlFragment) => void): { coach: Y.Doc; notes: Y.XmlFragment } {
  const learner = new Y.Doc();
  write(learner.getXmlFragment('notes'));
  const coach = new Y.Doc();
  Y.applyUpdate(coach, Y.encodeStateAsUpdate(learner));
  return { coach, notes: coach.getXmlFragment('notes') };
}

function text(value: string, attributes?: Record<string, unknown>): Y.XmlText {
  const t = new Y.XmlText();
  t.insert(0, value, attributes);
  return t;
}

function element(name: string, attributes: Record<string, unknown>, children: (Y.XmlElement | Y.XmlText)[]) {
  const el = new Y.XmlElement(name);
  // Yjs types attributes as strings; a peer may write any JSON value there.
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value as string);
  el.insert(0, children);
  return el;
}

describe('shared notes: hostile content pushed by a peer never becomes executable', () => {
  it('drops unknown nodes and marks, ignores undeclared attributes, neutralises links and images', () => {
    const { notes } = relayed((fragment) => {
      fragment.insert(0, [
        element('script', {}, [text('window.__pwned = 1')]),
        element(
          'iframe',
          { src: 'javascript:window.__pwned=1', srcdoc: '<script>window.__pwned=1</script>' },
          [],
        ),
        element('paragraph', { onclick: 'window.__pwned=1', style: 'background:url(javascript:x)' }, [
          text('Texte inoffensif'),
        ]),
        element('paragraph', {}, [
          text('lien piégé', { link: { href: 'javascript:window.__pwned=1', title: null } }),
        ]),
        element('paragraph', {}, [
          text('lien masqué', { link: { href: ' JaVa\tScRiPt:window.__pwned=1', title: null } }),
        ]),
        element('paragraph', {}, [text('données', { link: { href: 'data:text/html,<script>x</script>' } })]),
        element('paragraph', {}, [text('survol', { onmouseover: { code: 'window.__pwned=1' } })]),
        element('paragraph', {}, [
          element('image', { src: 'x', onerror: 'window.__pwned=1', alt: 'image' }, []),
          element('image', { src: 'javascript:window.__pwned=1' }, []),
          text('après les images'),
        ]),
        // A level that is not a number: the whole heading is refused (like an unknown node)…
        element('heading', { level: '1 onclick=window.__pwned=1' }, [text('window.__pwned')]),
        // …and an absurd one is brought back to h1–h6.
        element('heading', { level: 99 }, [text('Titre')]),
        element('paragraph', {}, [
          text('vrai lien', { link: { href: 'https://exemple.fr/page', title: null } }),
        ]),
      ]);
    });

    const { doc } = initProseMirrorDoc(notes, notesSchema);
    const written = rendered(doc);

    for (const el of written) {
      expect(ALLOWED_TAGS, `<${el.tag}>`).toContain(el.tag);
      for (const [name, value] of Object.entries(el.attrs)) {
        expect(name, `<${el.tag} ${name}>`).not.toMatch(/^on/i);
        expect(['style', 'srcdoc']).not.toContain(name);
        if (value !== null && value !== undefined)
          expect(String(value)).not.toMatch(/javascript:|data:text/i);
      }
    }
    // No script, no frame, no executable link; the one real link survives, with its text.
    expect(written.map((el) => el.tag)).not.toContain('script');
    expect(written.map((el) => el.tag)).not.toContain('iframe');
    const links = written.filter((el) => el.tag === 'a' && el.attrs.href);
    expect(links.map((el) => el.attrs.href)).toEqual(['https://exemple.fr/page']);
    const images = written.filter((el) => el.tag === 'img');
    expect(images.every((el) => !('src' in el.attrs))).toBe(true);
    const heading = written.find((el) => /^h\d$/.test(el.tag));
    expect(heading?.tag).toBe('h6');

    // The harmless text is all still there.
    const plain = doc.textContent;
    for (const kept of [
      'Texte inoffensif',
      'lien piégé',
      'lien masqué',
      'après les images',
      'Titre',
      'vrai lien',
    ])
      expect(plain).toContain(kept);
    expect(plain).not.toContain('__pwned');
  });

  it('the unknown elements are removed from the shared document by the first editor that meets them', () => {
    const { notes } = relayed((fragment) => {
      fragment.insert(0, [
        element('script', {}, [text('window.__pwned = 1')]),
        element('paragraph', {}, [text('gardé')]),
      ]);
    });
    initProseMirrorDoc(notes, notesSchema);
    expect(notes.toArray().map((n) => (n instanceof Y.XmlElement ? n.nodeName : 'text'))).toEqual([
      'paragraph',
    ]);
  });
});

describe('link and image addresses', () => {
  it('accepts web pages and e-mail addresses only', () => {
    expect(safeHref('https://exemple.fr/a?b=c')).toBe('https://exemple.fr/a?b=c');
    expect(safeHref('http://exemple.fr')).toBe('http://exemple.fr/');
    expect(safeHref('mailto:lea@exemple.fr')).toBe('mailto:lea@exemple.fr');
    for (const bad of [
      'javascript:alert(1)',
      ' JAVASCRIPT:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      '/relatif',
      '',
      42,
      null,
    ])
      expect(safeHref(bad), String(bad)).toBeNull();
  });

  it('shows https and inline raster images, never scripts nor SVG', () => {
    expect(safeImageSrc('https://exemple.fr/a.png')).toBe('https://exemple.fr/a.png');
    expect(safeImageSrc('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    for (const bad of [
      'x',
      'javascript:alert(1)',
      'http://exemple.fr/a.png',
      'data:image/svg+xml;base64,PHN2Zz4=',
      'data:text/html;base64,PHNjcmlwdD4=',
    ])
      expect(safeImageSrc(bad), bad).toBeNull();
  });
});
