/**
 * A phone number as the shop stores it (domain/identity PHONE_PATTERN: digits, spaces, dashes,
 * parentheses, an optional leading +) in E.164, as SMS providers want it. Numbers without a
 * country code are taken as Indian (+91: the shop delivers in India, prices in INR): `98765 43210`
 * and `098765-43210` become `+919876543210`; `0044 20 7946 0958` becomes `+442079460958`.
 * Answers undefined when no E.164 number comes out (retrying cannot help such a message).
 */
export function toE164(raw: string, defaultCallingCode = '91'): string | undefined {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s\-().]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  let e164: string;
  if (trimmed.startsWith('+')) e164 = `+${digits}`;
  else if (digits.startsWith('00')) e164 = `+${digits.slice(2)}`;
  else if (/^0?\d{10}$/.test(digits)) e164 = `+${defaultCallingCode}${digits.slice(-10)}`;
  else e164 = `+${digits}`;
  return /^\+[1-9]\d{6,14}$/.test(e164) ? e164 : undefined;
}
