import { expect } from 'chai';
import type { SmsSender } from '../../../application/notifications/channels.js';
import { PermanentJobError } from '../../../application/shared/job-queue.js';

/**
 * What every SmsSender does alike (the outbox folder of the embedded default, Twilio): a message
 * reaches its recipient in E.164 with its body intact and the provider's id is answered; a number
 * no SMS can reach is refused with a PermanentJobError (retrying cannot help).
 */
export interface SmsSenderContractOptions {
  sender(): SmsSender;
  /** The messages delivered so far, as the provider saw them. */
  delivered(): Promise<readonly { readonly to: string; readonly body: string; readonly id: string }[]>;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the send to be refused');
}

export function smsSenderContract(options: SmsSenderContractOptions): void {
  it('delivers the body intact to the E.164 number and answers the provider id', async () => {
    const body =
      'Your bouquet for Asha ✿ is out for delivery — ETA 14:30. Track: https://shop.example/t/1?a=1&b=2';
    const receipt = await options.sender().send({ to: '+14155550101', body });
    const found = (await options.delivered()).find((m) => m.id === receipt.providerId);
    expect(found, 'the delivered message with the answered id').to.not.equal(undefined);
    expect(found).to.include({ to: '+14155550101', body });
  });

  it("normalizes the shop's phone format (spaces, dashes, no country code: India)", async () => {
    const receipt = await options.sender().send({ to: '098765-43210', body: 'normalized' });
    const found = (await options.delivered()).find((m) => m.id === receipt.providerId);
    expect(found?.to).to.equal('+919876543210');
    const spaced = await options.sender().send({ to: '+44 (20) 7946 0958', body: 'uk' });
    expect((await options.delivered()).find((m) => m.id === spaced.providerId)?.to).to.equal('+442079460958');
  });

  it('refuses a number no SMS can reach with a PermanentJobError, delivering nothing', async () => {
    const before = (await options.delivered()).length;
    for (const to of ['not a number', '+12', '']) {
      const error = await rejection(options.sender().send({ to, body: 'never sent' }));
      expect(error, to).to.be.instanceOf(PermanentJobError);
    }
    expect(await options.delivered()).to.have.length(before);
  });

  it('sends messages in parallel, each delivered once', async () => {
    const numbers = Array.from({ length: 8 }, (_, i) => `+1415555020${i}`);
    const receipts = await Promise.all(
      numbers.map((to, i) => options.sender().send({ to, body: `parallel ${i}` })),
    );
    const ids = new Set(receipts.map((r) => r.providerId));
    expect(ids.size).to.equal(numbers.length);
    const delivered = (await options.delivered()).filter((m) => m.body.startsWith('parallel '));
    expect(delivered.map((m) => m.to).sort()).to.deep.equal([...numbers].sort());
  });
}
