// The survey e-mails (SURVEY3): French, a link to the accompaniment in the app, nothing of its content.
import type { SurveyToMail } from '../storage/surveys.ts';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const dateFr = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

/** The first e-mail of a survey (`reminder` 0) or one of its reminders (1, 2). */
export function surveyMailText(
  survey: SurveyToMail,
  url: string,
  reminder: number,
): { subject: string; text: string; html: string } {
  const title = survey.accompanimentTitle;
  const intro =
    survey.kind === 'end'
      ? `Votre accompagnement « ${title} » avec ${survey.coachName} vient de se terminer. Pouvez-vous nous dire ce que vous en avez pensé ?`
      : `Il y a quelques mois, vous avez terminé votre accompagnement « ${title} » avec ${survey.coachName}. Avec le recul, qu’en pensez-vous aujourd’hui ?`;
  const ask = 'Cinq questions, deux minutes : votre avis nous aide à améliorer nos accompagnements.';
  const privacy =
    'Vos réponses sont présentées à l’organisme de façon globale, sans votre nom ; votre commentaire éventuel apparaît sans être signé.';
  const until = `Le questionnaire est ouvert jusqu’au ${dateFr.format(new Date(survey.dueAt))}.`;
  const subject =
    reminder === 0
      ? `Votre avis sur « ${title} » — Compagnon`
      : `Rappel : votre avis sur « ${title} » — Compagnon`;
  const opening = reminder === 0 ? intro : `Petit rappel : ${intro.charAt(0).toLowerCase()}${intro.slice(1)}`;
  const text = [
    `Bonjour ${survey.learner.name},`,
    '',
    opening,
    ask,
    '',
    'Répondre au questionnaire (connexion à Compagnon) :',
    url,
    '',
    until,
    privacy,
    '',
    '— Compagnon',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">
<p>Bonjour ${esc(survey.learner.name)},</p>
<p>${esc(opening)}<br>${esc(ask)}</p>
<p><a href="${esc(url)}">Répondre au questionnaire</a></p>
<p>${esc(until)}<br>${esc(privacy)}</p>
</body></html>`;
  return { subject, text, html };
}
