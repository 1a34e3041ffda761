/**
 * Refuses guessable secrets before they reach production (bootstrap/config.ts). These are
 * heuristics, not a proof of randomness: they catch the values people actually deploy by
 * mistake (a repeated letter, a sample value from a tutorial, `password`, a keyboard run).
 * Each answer is the problem in words ("is a repeated pattern"), or null when none was found.
 */

/** Sample and placeholder values seen in tutorials, .env examples and this repository. */
const WELL_KNOWN_SIGNING_KEYS = new Set(
  [
    'secret',
    'jwtsecret',
    'jwt_secret',
    'your_jwt_secret',
    'your-jwt-secret',
    'your_jwt_secret_key',
    'your-256-bit-secret',
    'your_jwt_secret_key_here_change_in_production',
    'your-super-secret-jwt-key-change-this-in-production',
    'change_this_to_a_long_random_string',
    'changeme',
    'supersecret',
    'supersecretkey',
    'mysecretkey',
    'secretkey',
    'shhhhh',
    'keyboard cat',
    'test-secret-that-is-long-enough-for-hs256-0123456789',
    'whsec_amour_florals_development_only',
    'amour-florals-razorpay-development-secret',
  ].map(normalize),
);

/** The bases of the most common passwords (compared after lower-casing, de-leeting and trimming digits/symbols). */
const COMMON_PASSWORD_BASES = new Set([
  'password',
  'passwd',
  'pass',
  'admin',
  'administrator',
  'adminadmin',
  'root',
  'qwerty',
  'qwertyuiop',
  'asdfgh',
  'asdfghjkl',
  'azerty',
  'letmein',
  'welcome',
  'changeme',
  'iloveyou',
  'monkey',
  'dragon',
  'master',
  'secret',
  'login',
  'default',
  'test',
  'abc',
  'abcd',
  'abcdef',
  'trustno',
  'sunshine',
  'football',
  'baseball',
  'superman',
  'starwars',
  'princess',
  'shadow',
  'hello',
  'flowers',
  'florals',
  'amourflorals',
  'amour',
  '',
]);

const LEET: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
};

function normalize(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Empirical Shannon entropy of the characters times the length, in bits. */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return perChar * n;
}

/** True when the value is one block repeated (`abcabcabc`, `aaaa`, `passwordpassword`). */
function isRepeated(value: string): boolean {
  const n = value.length;
  for (let k = 1; k <= n / 2; k++) {
    let repeated = true;
    for (let i = k; i < n && repeated; i++) repeated = value[i] === value[i - k];
    if (repeated) return true;
  }
  return false;
}

/** True when most neighbouring characters are consecutive (`abcdef...`, `0123...`, `zyx...`). */
function isSequence(value: string): boolean {
  if (value.length < 4) return false;
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) === 1) steps += 1;
  }
  return steps / (value.length - 1) > 0.5;
}

function distinct(value: string): number {
  return new Set(value).size;
}

/** For an HMAC signing key (JWT_SECRET): at least 32 characters is checked by the caller. */
export function signingKeyWeakness(value: string): string | null {
  if (WELL_KNOWN_SIGNING_KEYS.has(normalize(value))) return 'is a well-known sample value';
  if (isRepeated(value)) return 'is a repeated pattern';
  if (isSequence(value)) return 'is a run of consecutive characters';
  if (distinct(value) < 10) return 'uses fewer than 10 distinct characters';
  if (estimatedBits(value) < 96) return 'is too predictable (low entropy)';
  return null;
}

/** For a login password (ADMIN_PASSWORD). `email` is the account's email (its name must not be the password). */
export function passwordWeakness(value: string, email: string): string | null {
  // `P@ssw0rd2024!` -> `p@ssw0rd` (digits and symbols around it dropped) -> `password`.
  const trimmed = value.toLowerCase().replace(/^[^a-z]+|[^a-z]+$/g, '');
  const letters = (s: string) => s.replace(/[^a-z]/g, '');
  const deLeeted = [...trimmed].map((ch) => LEET[ch] ?? ch).join('');
  if (COMMON_PASSWORD_BASES.has(letters(trimmed)) || COMMON_PASSWORD_BASES.has(letters(deLeeted))) {
    return 'is a common password';
  }
  const name = letters(email.split('@')[0]?.toLowerCase() ?? '');
  if (name.length >= 3 && (letters(trimmed).includes(name) || letters(deLeeted).includes(name))) {
    return 'contains the account name';
  }
  if (isRepeated(value)) return 'is a repeated pattern';
  if (isSequence(value)) return 'is a run of consecutive characters';
  if (value.length < 12) return 'must be at least 12 characters in production';
  if (distinct(value) < 6) return 'uses fewer than 6 distinct characters';
  if (estimatedBits(value) < 40) return 'is too predictable (low entropy)';
  return null;
}
