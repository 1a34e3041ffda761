import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { TotpAuthenticator } from '../../application/identity/ports.js';

const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;

/**
 * RFC 6238 TOTP with the otpauth package (SHA1, 6 digits, 30 s: what every authenticator app
 * reads from the URI) and the QR code with the qrcode package.
 */
export class OtpauthTotp implements TotpAuthenticator {
  constructor(private readonly issuer: string) {}

  generateSecret(): string {
    return new Secret({ size: SECRET_BYTES }).base32;
  }

  uri(secret: string, label: string): string {
    return this.totp(secret, label).toString();
  }

  qrCode(uri: string): Promise<string> {
    return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', type: 'image/png' });
  }

  stepOf(secret: string, code: string, now: Date): number | null {
    const totp = this.totp(secret);
    const timestamp = now.getTime();
    const delta = totp.validate({ token: code, timestamp, window: 1 });
    return delta === null ? null : totp.counter({ timestamp }) + delta;
  }

  private totp(secret: string, label = 'account'): TOTP {
    return new TOTP({
      issuer: this.issuer,
      label,
      algorithm: ALGORITHM,
      digits: DIGITS,
      period: PERIOD_SECONDS,
      secret: Secret.fromBase32(secret),
    });
  }
}
