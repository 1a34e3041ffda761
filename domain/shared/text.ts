/**
 * What a stored text may contain. Names, addresses, notes and reviews are shown to people (and to
 * the admin), so they never hold characters that are invisible or that rewrite how the text
 * around them is displayed:
 * - C0 control characters (NUL, ESC, ...), DEL and the C1 controls; multi-line texts
 *   (descriptions, comments, notes) may hold tab, line feed and carriage return, nothing else;
 * - the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
 *   reorder what a reader sees ("Trojan Source"); the plain marks (U+200E, U+200F, U+061C) that
 *   right-to-left writing needs stay allowed;
 * - unpaired UTF-16 surrogates (JSON's `"\ud800"` escape yields one), which are not text at all
 *   and break every UTF-8 encoder downstream.
 */
// Matching control characters is the point of these two expressions.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;
const FORBIDDEN_MULTI_LINE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

/** The kinds of text a field holds: one line (names, titles) or several (descriptions, notes). */
export type TextKind = 'single-line' | 'multi-line';

/**
 * Whether `text` holds only characters a stored text may hold. With the `u` flag a surrogate
 * range matches only unpaired surrogates, so emoji and other astral characters pass.
 */
export function isPlainText(text: string, kind: TextKind = 'single-line'): boolean {
  return !(kind === 'multi-line' ? FORBIDDEN_MULTI_LINE : FORBIDDEN_SINGLE_LINE).test(text);
}

/** The refusal, worded for a field name ("body.name must not contain ..."). */
export const PLAIN_TEXT_MESSAGE =
  'must not contain control characters, bidirectional overrides or unpaired surrogates';

/** The longest gift card message (characters, as a person counts them): the card's size. */
export const GIFT_MESSAGE_MAX_LENGTH = 250;
