import type { MailMessage } from '../notifications/ports.js';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function welcomeMail(to: string, fullName: string, frontendUrl: string): MailMessage {
  return {
    to,
    subject: 'Welcome to Amour Florals',
    text: `Hello ${fullName},\n\nWelcome to Amour Florals! Your account is ready: ${frontendUrl}\n\nWith love,\nAmour Florals`,
    html: `<p>Hello ${escapeHtml(fullName)},</p><p>Welcome to Amour Florals! Your account is ready: <a href="${escapeHtml(frontendUrl)}">${escapeHtml(frontendUrl)}</a></p><p>With love,<br>Amour Florals</p>`,
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
    html:
      `<p>Hello ${escapeHtml(fullName)},</p><p>Someone asked to reset the password of your Amour Florals account. ` +
      `Open this link within ${validMinutes} minutes to choose a new one:</p>` +
      `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` +
      '<p>If this was not you, ignore this message: your password stays the same.</p>',
  };
}
