import { html, page, SIGNATURE_HTML, SIGNATURE_TEXT, type MailMessage } from '../shared/mail.js';

// The account mails identity sends itself, through the shared Mailer port (application/shared/mail.ts).

export function welcomeMail(to: string, fullName: string, frontendUrl: string): MailMessage {
  return {
    to,
    subject: 'Welcome to Amour Florals',
    text: `Hello ${fullName},\n\nWelcome to Amour Florals! Your account is ready: ${frontendUrl}\n\n${SIGNATURE_TEXT}`,
    html: page(
      'Welcome to Amour Florals',
      html`<p>Hello ${fullName},</p>
        <p>Welcome to Amour Florals! Your account is ready: <a href="${frontendUrl}">${frontendUrl}</a></p>` +
        SIGNATURE_HTML,
    ),
  };
}

export function passwordResetMail(
  to: string,
  fullName: string,
  link: string,
  validMinutes: number,
): MailMessage {
  return {
    to,
    subject: 'Amour Florals password reset',
    text:
      `Hello ${fullName},\n\nSomeone asked to reset the password of your Amour Florals account. ` +
      `Open this link within ${validMinutes} minutes to choose a new one:\n\n${link}\n\n` +
      'If this was not you, ignore this message: your password stays the same.',
    html: page(
      'Amour Florals password reset',
      html`<p>Hello ${fullName},</p>
        <p>Someone asked to reset the password of your Amour Florals account.</p> ` +
        html`Open this link within ${validMinutes} minutes to choose a new one:</p>` +
        html`<p><a href="${link}">${link}</a></p>` +
        '<p>If this was not you, ignore this message: your password stays the same.</p>',
    ),
  };
}
