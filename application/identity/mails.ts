// The templates live with the other mails in the notifications context.
export { passwordResetMail, welcomeMail } from '../notifications/templates.js';
