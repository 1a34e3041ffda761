import { Type } from '@fastify/type-provider-typebox';
import { AUTOCOMPLETE, Autocomplete } from '../../../application/search/autocomplete.js';
import type { SuggestionKind } from '../../../domain/search/document.js';
import { unwrap } from '../errors.js';
import { errors, PageSize, success } from '../schemas.js';
import type { App, HttpRouteDeps } from '../types.js';

const KINDS = [
  'product',
  'category',
  'occasion',
  'flowerType',
  'color',
] as const satisfies readonly SuggestionKind[];

const AutocompleteQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: AUTOCOMPLETE.maxQueryLength,
      description: 'What the shopper has typed so far (a prefix, maybe misspelt)',
    }),
    limit: Type.Optional(PageSize(AUTOCOMPLETE.maxLimit, AUTOCOMPLETE.defaultLimit)),
  },
  { additionalProperties: false },
);

const SuggestionWire = Type.Object({
  kind: Type.Enum([...KINDS], {
    description: 'What the suggestion is; occasion, flowerType and color texts are filter values',
  }),
  text: Type.String(),
  id: Type.Optional(Type.String({ description: 'The product or category id' })),
});

const AutocompleteAnswer = success(
  { query: Type.String(), suggestions: Type.Array(SuggestionWire) },
  { success: Type.Literal(true) },
);

/** GET /api/search/autocomplete: suggestions from the in-process search index. */
export async function autocompleteRoutes(app: App, deps: HttpRouteDeps): Promise<void> {
  const autocomplete = deps.resolve.get(Autocomplete);

  app.get(
    '/autocomplete',
    {
      schema: {
        tags: ['search'],
        summary:
          'Suggestions for a prefix or a misspelling: products, categories, occasions, flower types, colours (default 8)',
        querystring: AutocompleteQuery,
        response: { 200: AutocompleteAnswer, ...errors(400, 429) },
      },
    },
    async (request) => {
      const answer = unwrap(await autocomplete.execute(request.query));
      return {
        status: 'success' as const,
        success: true as const,
        data: {
          query: answer.query,
          suggestions: answer.suggestions.map((s) => ({
            kind: s.kind,
            text: s.text,
            ...(s.id !== undefined ? { id: s.id } : {}),
          })),
        },
      };
    },
  );
}
