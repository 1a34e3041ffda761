import { Type, type Static } from '@fastify/type-provider-typebox';
import { Unsubscribe } from '../../../application/notifications/unsubscribe.js';
import { escapeHtml, page } from '../../../application/shared/mail.js';
import type { UnsubscribeTopic } from '../../../domain/notifications/consent.js';
import { unwrap } from '../errors.js';
import { errors, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const tags = ['Notifications'];

const TOPIC_LABELS: Readonly<Record<UnsubscribeTopic, string>> = {
  newsletter: 'our newsletter and offers',
  emailNotifications: 'non-essential emails',
  smsNotifications: 'text messages',
};

const Query = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 300,
      description: 'The signed token of the link (user and preference; no expiry)',
    }),
  },
  { additionalProperties: false },
);

const HtmlPage = Type.String({ description: 'A small HTML page (text/html)' });

function confirmationPage(token: string, topic: UnsubscribeTopic): string {
  const action = `?token=${encodeURIComponent(token)}`;
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Stop receiving ${escapeHtml(TOPIC_LABELS[topic])} from Amour Florals?</p>` +
      `<form method="post" action="${escapeHtml(action)}">` +
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
      '<button type="submit">Unsubscribe</button></form>',
  );
}

function donePage(topic: UnsubscribeTopic): string {
  return page(
    'Unsubscribed',
    `<h1>Unsubscribed</h1><p>You will no longer receive ${escapeHtml(TOPIC_LABELS[topic])}. ` +
      'You can turn it back on in your account preferences.</p>',
  );
}

/**
 * The one-click unsubscribe of marketing mail (RFC 8058), without logging in: GET shows a
 * confirmation page (a link scanner that follows it changes nothing), POST turns the preference
 * off. Mail clients POST `List-Unsubscribe=One-Click` as a form, so this scope takes any body and
 * ignores it.
 */
export async function unsubscribeRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const unsubscribe = deps.resolve.get(Unsubscribe);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));

  app.get(
    '/unsubscribe',
    {
      schema: {
        tags,
        summary: 'The confirmation page of a one-click unsubscribe link (public)',
        description:
          'Public. Answers an HTML page whose button POSTs to the same URL; nothing changes on GET. ' +
          'A tampered or malformed token: 400 naming `token`.',
        querystring: Query,
        response: { 200: HtmlPage, ...errors(400) },
      },
    },
    async (request, reply) => {
      const { token }: Static<typeof Query> = request.query;
      const topic = unwrap(unsubscribe.check(token));
      return reply.type('text/html; charset=utf-8').send(confirmationPage(token, topic));
    },
  );

  app.post(
    '/unsubscribe',
    {
      schema: {
        tags,
        summary: 'One-click unsubscribe (public, RFC 8058): turns the preference the token names off',
        description:
          'Public; any body (mail clients send `List-Unsubscribe=One-Click`) is ignored. Idempotent: a ' +
          'repeat answers 200 with `changed: false`. Answers JSON, or an HTML page when the request ' +
          'accepts text/html (the confirmation page’s button). A tampered token: 400 naming `token`.',
        querystring: Query,
        response: {
          200: success({
            topic: Type.String({ description: 'The preference now off' }),
            changed: Type.Boolean({ description: 'false: it was already off' }),
          }),
          ...errors(400, 409),
        },
      },
    },
    async (request, reply) => {
      const { token }: Static<typeof Query> = request.query;
      const outcome = unwrap(await unsubscribe.execute(token));
      if ((request.headers.accept ?? '').startsWith('text/html')) {
        return reply.type('text/html; charset=utf-8').send(donePage(outcome.topic) as never);
      }
      return {
        status: 'success' as const,
        message: 'Unsubscribed',
        data: { topic: outcome.topic, changed: outcome.changed },
      };
    },
  );
}
