import type { Locator, Page } from '@playwright/test';
import { pushHostileNotes } from '../../sync-server/src/test-support/hostile.ts';
import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test } from '../fixtures/test.ts';
import { openWorkspaces, type WorkspacePage } from '../page-models/workspace.ts';

// What a learner might paste from a web page or a crafted document: every way HTML can run a script, around
// text that must survive.
const PASTED = [
  '<p>Texte inoffensif du collage</p>',
  '<img src="x" onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '<p><a href="javascript:window.__pwned=1">lien piégé</a> puis <a href=" JaVaScRiPt:window.__pwned=1">lien masqué</a>',
  ' et <a href="https://exemple.fr/">lien sûr</a></p>',
  '<iframe src="javascript:window.__pwned=1" srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '<p onmouseover="window.__pwned=1" style="background:url(javascript:window.__pwned=1)">survol</p>',
  '<svg onload="window.__pwned=1"><circle r="5"></circle></svg>',
  '<object data="javascript:window.__pwned=1"></object><embed src="javascript:window.__pwned=1">',
].join('');

const MESSAGE =
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>' +
  '<a href="javascript:window.__pwned=1">clic</a><iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>';

const DANGEROUS = [
  'script',
  'iframe',
  'object',
  'embed',
  'svg',
  'img[onerror]',
  '[onload]',
  '[onclick]',
  '[onmouseover]',
  '[style*="javascript" i]',
  'a[href^="javascript:" i]',
  'a[href*="script:" i]',
  'img[src^="javascript:" i]',
].join(', ');

/** Dispatches a real paste (a ClipboardEvent carrying text/html) into the focused editor. */
async function pasteHtml(editor: Locator, html: string): Promise<void> {
  await editor.click();
  await editor.evaluate((el, content) => {
    const data = new DataTransfer();
    data.setData('text/html', content);
    data.setData('text/plain', 'collage');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, html);
}

async function expectInert(page: Page, w: WorkspacePage): Promise<void> {
  expect(await page.evaluate(() => '__pwned' in window)).toBe(false);
  await expect(w.notes.locator(DANGEROUS)).toHaveCount(0);
  await expect(w.messages.locator(DANGEROUS)).toHaveCount(0);
}

test('hostile rich text: pasted HTML, HTML messages and hostile XML over the socket never run for anyone', async ({
  browser,
  server,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const dialogs: string[] = [];
  for (const page of [coach, learner])
    page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);

  // The learner pastes into the shared notes; the coach receives it live.
  await pasteHtml(l.notes.first(), PASTED);
  await expect(l.notes).toContainText('Texte inoffensif du collage');
  await expect(c.notes).toContainText('Texte inoffensif du collage');
  for (const w of [c, l]) {
    await expect(w.notes).toContainText('lien piégé');
    await expect(w.notes).toContainText('lien masqué');
    await expect(w.notes).toContainText('survol');
    // The safe link stays a link; the others are plain text.
    await expect(w.notes.getByRole('link', { name: 'lien sûr' })).toHaveAttribute(
      'href',
      'https://exemple.fr/',
    );
    await expect(w.notes.getByRole('link')).toHaveCount(1);
  }

  // A message whose text is HTML stays text.
  await l.sendMessage(MESSAGE);
  for (const w of [c, l]) await expect(w.message(MESSAGE).locator('.messages__text')).toHaveText(MESSAGE);

  // A hostile peer skips the editor and pushes XML straight into the document, with the learner's session.
  const session = (await contexts[1]!.cookies()).find((cookie) => cookie.name === 'compagnon_session');
  expect(session).toBeDefined();
  const pushed = await pushHostileNotes(
    server.url,
    accompaniment.sharedDoc,
    `compagnon_session=${session!.value}`,
    'Poussé par le réseau',
  );
  try {
    for (const w of [c, l]) {
      await expect(w.notes).toContainText('Poussé par le réseau');
      await expect(w.notes).toContainText('(lien réseau)');
    }
  } finally {
    await pushed.close();
  }

  // Moving over and clicking what was meant to be active does nothing either.
  await c.notes.getByText('survol').hover();
  await c.notes.getByText('lien piégé').click();
  await c.notes.getByText('Poussé par le réseau').click();
  await c.message(MESSAGE).locator('.messages__text').click();
  for (const [page, w] of [
    [coach, c],
    [learner, l],
  ] as const)
    await expectInert(page, w);
  expect(dialogs).toEqual([]);
  for (const ctx of contexts) await ctx.close();
});
