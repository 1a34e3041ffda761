import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import type { Suggestion } from '../../domain/search/document.js';
import type { SearchIndex } from './ports.js';

export const AUTOCOMPLETE = { defaultLimit: 8, maxLimit: 20, maxQueryLength: 100 } as const;

export interface AutocompleteAnswer {
  readonly query: string;
  readonly suggestions: Suggestion[];
}

/**
 * Suggestions for what a shopper is typing: product names, categories, occasions, flower types
 * and colours, completing the last word and forgiving typos ("rsoe" offers roses).
 */
export class Autocomplete {
  constructor(private readonly index: SearchIndex) {}

  async execute(input: { q: string; limit?: number }): Promise<Result<AutocompleteAnswer, DomainError>> {
    const query = input.q.trim();
    if (query.length < 1 || query.length > AUTOCOMPLETE.maxQueryLength) {
      const message = `q must be 1-${AUTOCOMPLETE.maxQueryLength} characters (not only spaces)`;
      return Err(domainError('VALIDATION_FAILED', message, { errors: [{ field: 'q', message }] }));
    }
    const limit = input.limit ?? AUTOCOMPLETE.defaultLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > AUTOCOMPLETE.maxLimit) {
      const message = `limit must be 1-${AUTOCOMPLETE.maxLimit}`;
      return Err(domainError('VALIDATION_FAILED', message, { errors: [{ field: 'limit', message }] }));
    }
    return Ok({ query, suggestions: await this.index.suggest(query, limit) });
  }
}
