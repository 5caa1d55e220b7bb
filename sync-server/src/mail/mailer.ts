import nodemailer from 'nodemailer';
import type { Logger } from '../log/logger.ts';

/** An invitation link by e-mail: a learner into an accompaniment, or a coach into an organisation. */
export type InvitationMail = {
  to: string;
  coachName: string;
  url: string;
  expiresAt: number;
} & ({ accompanimentTitle: string } | { organisationName: string });

/** A file sent with an e-mail (the synthesis PDF, SYN8). */
export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** A prepared e-mail. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Where answers go (the coach, for the synthesis sent on their behalf). */
  replyTo?: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Sends the invitation; resolves false (and logs, without the link) when sending failed. */
  sendInvitation(mail: InvitationMail): Promise<boolean>;
  /** Sends a prepared e-mail (the message digest, the synthesis); resolves false (and logs) when it failed. */
  send(mail: Mail): Promise<boolean>;
  close(): void;
}

/** Transport options from `smtp://user:pass@host:port` or `smtps://…` (implicit TLS). */
function transportOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error('SMTP_URL doit commencer par smtp:// ou smtps://');
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
}

const dateFr = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

export function invitationText(mail: InvitationMail): { subject: string; text: string; html: string } {
  const until = dateFr.format(new Date(mail.expiresAt));
  const subject = `${mail.coachName} vous invite sur Compagnon`;
  const toOrganisation = 'organisationName' in mail;
  const where = (quote: (s: string) => string) =>
    toOrganisation
      ? `l'organisation « ${quote(mail.organisationName)} » sur Compagnon, pour y accompagner avec vos collègues`
      : `votre espace d'accompagnement « ${quote(mail.accompanimentTitle)} » sur Compagnon`;
  const text = [
    'Bonjour,',
    '',
    `${mail.coachName} vous invite à rejoindre ${where((s) => s)}.`,
    '',
    toOrganisation
      ? 'Pour créer votre compte et rejoindre l’organisation, ouvrez ce lien :'
      : 'Pour créer votre compte et accéder à votre espace, ouvrez ce lien :',
    mail.url,
    '',
    `Ce lien est personnel et valable jusqu'au ${until}. Il ne peut servir qu'une seule fois.`,
    "Si vous ne vous attendiez pas à ce message, vous pouvez l'ignorer.",
    '',
    toOrganisation ? '— Compagnon' : "— Compagnon, l'espace de travail de votre accompagnement",
  ].join('\n');
  const esc = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const html = `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">
<p>Bonjour,</p>
<p>${esc(mail.coachName)} vous invite à rejoindre ${where(esc)}.</p>
<p><a href="${esc(mail.url)}">${toOrganisation ? 'Créer mon compte et rejoindre l’organisation' : 'Créer mon compte et accéder à mon espace'}</a></p>
<p>Ce lien est personnel et valable jusqu'au ${esc(until)}. Il ne peut servir qu'une seule fois.<br>
Si vous ne vous attendiez pas à ce message, vous pouvez l'ignorer.</p>
</body></html>`;
  return { subject, text, html };
}

export function createMailer(smtpUrl: string, from: string, log: Logger): Mailer {
  const transport = nodemailer.createTransport(transportOptions(smtpUrl));
  return {
    async sendInvitation(mail) {
      const { subject, text, html } = invitationText(mail);
      try {
        await transport.sendMail({ from, to: mail.to, subject, text, html });
        return true;
      } catch (error) {
        // The message may quote the SMTP server's answer; it never contains the link or credentials.
        log.warn(
          `Envoi de l'invitation impossible : ${error instanceof Error ? error.message : 'erreur inconnue'}`,
        );
        return false;
      }
    },
    async send(mail) {
      try {
        await transport.sendMail({ from, ...mail });
        return true;
      } catch (error) {
        log.warn(
          `Envoi d'un e-mail impossible : ${error instanceof Error ? error.message : 'erreur inconnue'}`,
        );
        return false;
      }
    },
    close: () => transport.close(),
  };
}
