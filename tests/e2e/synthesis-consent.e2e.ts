import { startMailCatcher, type CaughtMail } from '../../sync-server/src/test-support/smtp.ts';
import { coachAndLearner } from '../fixtures/accounts.ts';
import { expect, test as base } from '../fixtures/test.ts';
import { openWorkspaces } from '../page-models/workspace.ts';

// The server sends e-mails to a real SMTP listener of the test.
const test = base.extend<{ smtp: { port: number; mails: CaughtMail[] } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies destructured
  smtp: async ({}, use) => {
    const mails: CaughtMail[] = [];
    const catcher = await startMailCatcher(mails);
    await use({ port: catcher.port, mails });
    await catcher.close();
  },
  serverEnv: async ({ smtp }, use) => use({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }),
});

const RECIPIENT = { name: 'Marc Lefèvre', email: 'marc.lefevre@exemple.fr' };

test('the synthesis goes to a third party only with the learner’s consent, which they can withdraw', async ({
  browser,
  server,
  smtp,
}) => {
  const { coach, learner, contexts, accompaniment } = await coachAndLearner(browser, server.url);
  const { c, l } = await openWorkspaces(coach, learner, `/accompagnements/${accompaniment.id}`);
  const lConsents = l.synthesis.getByRole('region', { name: 'Transmission à un tiers' });
  const cConsents = c.synthesis.getByRole('region', { name: 'Transmission à un tiers' });
  await expect(lConsents).toContainText('Vous êtes la seule personne destinataire de ce document');
  await expect(cConsents).toContainText('Aucun accord de transmission pour l’instant.');

  // Nothing validated yet: the learner is told to validate first.
  await l.typeInSynthesis('Compétences et aptitudes', 'Sens de l’écoute, rigueur.');
  const record = lConsents.getByRole('button', { name: 'Enregistrer mon accord' });
  await expect(lConsents.getByText('Validez d’abord le document de synthèse')).toBeVisible();
  await expect(record).toBeDisabled();
  await l.synthesis.getByRole('button', { name: 'Valider le document de synthèse' }).click();
  await learner.getByRole('dialog').getByRole('button', { name: 'Valider', exact: true }).click();
  await expect(record).toBeEnabled();

  // Every field is checked, in French, before anything is recorded.
  await record.click();
  await expect(lConsents).toContainText('Indiquez le nom du destinataire.');
  await expect(lConsents).toContainText('Indiquez une adresse e-mail valide');
  await expect(lConsents).toContainText('Indiquez le but de la transmission.');
  await expect(lConsents).toContainText('Cochez la case pour confirmer votre accord.');
  await expect(lConsents.getByLabel('Nom du destinataire')).toBeFocused();
  await lConsents.getByLabel('Nom du destinataire').fill(RECIPIENT.name);
  await lConsents.getByLabel('Adresse e-mail du destinataire').fill('marc@');
  await lConsents.getByLabel('But de la transmission').fill('Dossier de financement de ma formation');
  await lConsents.getByLabel(/J’accepte que mon coach transmette à cette personne/).check();
  await record.click();
  await expect(lConsents.getByLabel('Adresse e-mail du destinataire')).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await lConsents.getByLabel('Adresse e-mail du destinataire').fill(RECIPIENT.email);
  await record.click();
  await expect(lConsents.locator('[aria-live="polite"]')).toHaveText(
    `Accord enregistré pour ${RECIPIENT.name}.`,
  );
  const lConsent = lConsents.getByRole('listitem').filter({ hasText: RECIPIENT.email });
  await expect(lConsent).toContainText('Valable');
  await expect(lConsent).toContainText('But : Dossier de financement de ma formation');

  // The coach sees it and sends the PDF, after a confirmation saying to whom and why.
  const send = cConsents.getByRole('button', {
    name: `Transmettre le document de synthèse à ${RECIPIENT.name}`,
  });
  await expect(send).toBeVisible({ timeout: 10_000 });
  await send.click();
  const dialog = coach.getByRole('dialog', { name: 'Transmettre le document de synthèse ?' });
  await expect(dialog).toContainText(RECIPIENT.email);
  await expect(dialog).toContainText('« Dossier de financement de ma formation »');
  await dialog.getByRole('button', { name: 'Envoyer le PDF' }).click();
  await expect(dialog).toBeHidden();
  await expect(cConsents.locator('[aria-live="polite"]')).toHaveText(
    `Document de synthèse envoyé à ${RECIPIENT.name} (${RECIPIENT.email}).`,
  );
  await expect(cConsents.getByRole('listitem').filter({ hasText: RECIPIENT.email })).toContainText(
    'Transmis le',
  );
  await expect.poll(() => smtp.mails.filter((mail) => mail.to.includes(RECIPIENT.email)).length).toBe(1);
  const mail = smtp.mails.find((m) => m.to.includes(RECIPIENT.email))!;
  expect(mail.raw).toMatch(/Content-Type: application\/pdf/i);
  expect(mail.raw).toMatch(/document-de-synthese\.pdf/);
  // The learner sees the send too.
  await expect(lConsent).toContainText('Transmis le', { timeout: 10_000 });

  // Withdrawn: the coach can no longer send it.
  await lConsents.getByRole('button', { name: `Retirer mon accord pour ${RECIPIENT.name}` }).click();
  await expect(lConsents.locator('[aria-live="polite"]')).toHaveText(`Accord retiré pour ${RECIPIENT.name}.`);
  await expect(lConsent).toContainText('Retiré le');
  await expect(send).toHaveCount(0, { timeout: 10_000 });
  await expect(cConsents.getByRole('listitem').filter({ hasText: RECIPIENT.email })).toContainText(
    'Retiré le',
  );
  for (const ctx of contexts) await ctx.close();
});
