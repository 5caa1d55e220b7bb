// Hostile rich text as a faulty or malicious peer would push it over /sync: XML the notes editor does not
// know (`script`, `iframe`), event-handler attributes and `javascript:` links, around a harmless paragraph.
// The server relays document updates as data; the end-to-end test checks that the other person's page never
// runs any of it.
import { sharedNotes } from '@compagnon/model';
import * as Y from 'yjs';
import { SyncClient } from './sync-client.ts';

function element(name: string, attributes: Record<string, string>, children: (Y.XmlElement | Y.XmlText)[]) {
  const el = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  el.insert(0, children);
  return el;
}

function text(value: string, attributes?: Record<string, unknown>): Y.XmlText {
  const t = new Y.XmlText();
  t.insert(0, value, attributes);
  return t;
}

/**
 * Connects to `docName` with `cookie` (a session of the accompaniment), appends hostile elements and the
 * paragraph `harmless` to the shared notes, and answers the connection (the caller closes it).
 */
export async function pushHostileNotes(
  httpUrl: string,
  docName: string,
  cookie: string,
  harmless: string,
): Promise<SyncClient> {
  const client = await SyncClient.connect(httpUrl, docName, cookie);
  const notes = sharedNotes(client.doc);
  client.doc.transact(() => {
    notes.insert(notes.length, [
      element('script', {}, [text('window.__pwned = 1')]),
      element(
        'iframe',
        { src: 'javascript:window.__pwned=1', srcdoc: '<script>parent.__pwned=1</script>' },
        [],
      ),
      element('paragraph', { onclick: 'window.__pwned=1', onmouseover: 'window.__pwned=1' }, [
        text(harmless),
        text(' (lien réseau)', { link: { href: 'javascript:window.__pwned=1', title: null } }),
      ]),
      element('paragraph', {}, [element('image', { src: 'x', onerror: 'window.__pwned=1' }, [])]),
    ]);
  });
  return client;
}
