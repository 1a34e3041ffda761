import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Razorpay's payment signature: hex HMAC-SHA256 of `<order_id>|<payment_id>` under the key
 * secret (what the official SDK's `validatePaymentVerification` computes; it compares with `===`,
 * so the comparison here is our own, in constant time).
 */
export function razorpayPaymentSignature(orderId: string, paymentId: string, keySecret: string): string {
  return createHmac('sha256', keySecret).update(`${orderId}|${paymentId}`).digest('hex');
}

export function verifyRazorpayPaymentSignature(
  input: { readonly orderId: string; readonly paymentId: string; readonly signature: string },
  keySecret: string,
): boolean {
  if (!/^[0-9a-f]{64}$/i.test(input.signature)) return false;
  const expected = Buffer.from(razorpayPaymentSignature(input.orderId, input.paymentId, keySecret), 'hex');
  return timingSafeEqual(expected, Buffer.from(input.signature.toLowerCase(), 'hex'));
}
