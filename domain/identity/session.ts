import { DEVICES_MAX, type Platform, type User } from './user.js';

/** A refresh token: `<session id>.<64 hex>`; the session id finds its family, the rest is random. */
export const REFRESH_TOKEN = /^([0-9A-Za-z]{1,64})\.([0-9a-f]{64})$/;

/** The session id a refresh token names, or null when it is not one. */
export function sessionOfRefreshToken(token: string): string | null {
  return REFRESH_TOKEN.exec(token)?.[1] ?? null;
}

/**
 * A short, human name for a user agent ("Firefox", "Chrome", "curl"...), for the sessions list:
 * the first match wins (Edge and Opera announce Chrome too, Chrome announces Safari).
 */
export function deviceNameOf(userAgent: string): string {
  const ua = userAgent.toLowerCase();
  const names: [RegExp, string][] = [
    [/edg(e|a|ios)?\//, 'Edge'],
    [/opr\/|opera/, 'Opera'],
    [/firefox\/|fxios\//, 'Firefox'],
    [/chrome\/|crios\//, 'Chrome'],
    [/safari\//, 'Safari'],
    [/^curl\//, 'curl'],
    [/okhttp|dalvik/, 'Android app'],
    [/cfnetwork/, 'iOS app'],
  ];
  for (const [pattern, name] of names) if (pattern.test(ua)) return name;
  return 'Unknown device';
}

/**
 * The user's devices (deviceInfo, most recent first) after a sign-in from `device` at `now`;
 * the same user when that device already leads the list at `now` (the login recorded it).
 */
export function recordDevice(user: User, now: Date, device: { deviceId: string; platform: Platform }): User {
  const head = user.deviceInfo[0];
  if (head && head.deviceId === device.deviceId && head.lastUsed.getTime() === now.getTime()) return user;
  const others = user.deviceInfo.filter((d) => d.deviceId !== device.deviceId);
  return { ...user, deviceInfo: [{ ...device, lastUsed: now }, ...others].slice(0, DEVICES_MAX) };
}
