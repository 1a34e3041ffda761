import type { Writable } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { CreateAdmin } from '../../application/identity/admin-accounts.js';
import { SeedDemoCatalog } from '../../application/catalog/seed-demo-catalog.js';
import { SetProductStock } from '../../application/catalog/manage-products.js';
import { ChangeOrderStatus } from '../../application/ordering/change-order-status.js';
import { RANDOM_SOURCE, type RandomSource } from '../../application/shared/ports.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/ordering/status.js';
import type { DomainError } from '../../domain/shared/errors.js';
import type { Result } from '../../domain/shared/result.js';
import { toMajor } from '../../domain/shared/money.js';
import type { Resolver } from '../resolver.js';

export interface CliIo {
  readonly out: Writable;
  readonly err: Writable;
  /** Whether `out` is a terminal (the progress bar redraws in place there). */
  readonly isTty: boolean;
}

/** Who the CLI records as the actor in histories and audit trails. */
export const CLI_ACTOR = 'cli';

class CliFailure extends Error {
  constructor(readonly error: DomainError) {
    super(`${error.code}: ${error.message}`);
  }
}

function ok<T>(result: Result<T, DomainError>): T {
  if (result.isErr()) throw new CliFailure(result.error);
  return result.value;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

function orderStatus(value: string): OrderStatus {
  if (!(ORDER_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${ORDER_STATUSES.join(', ')}`);
  }
  return value as OrderStatus;
}

/**
 * The admin CLI: the same use cases the HTTP API calls, through the same container. Answers the
 * process exit code: 0 done, 1 a use case refused (code and message printed), 2 bad usage.
 */
export async function runCli(argv: readonly string[], resolve: Resolver, io: CliIo): Promise<number> {
  const print = (line: string) => io.out.write(`${line}\n`);
  const program = new Command()
    .name('amour-florals')
    .description('Amour Florals admin commands (same use cases as the API)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) });

  program
    .command('create-admin')
    .description('create an admin account, or promote an existing user to admin')
    .requiredOption('--email <email>', 'the admin email')
    .option('--name <fullName>', 'full name for a new account', 'Administrator')
    .option('--password <password>', 'password (at least 6 characters); generated and printed when omitted')
    .action(async (options: { email: string; name: string; password?: string }) => {
      const generated =
        options.password === undefined ? resolve.get<RandomSource>(RANDOM_SOURCE).hex(9) : undefined;
      const { user, created } = ok(
        await resolve.get(CreateAdmin).execute({
          email: options.email,
          fullName: options.name,
          password: options.password ?? generated,
        }),
      );
      print(`${created ? 'Created' : 'Promoted'} admin ${user.email} (${user.id})`);
      if (generated !== undefined) print(`Password (shown once): ${generated}`);
    });

  program
    .command('seed')
    .description('load the demo catalog (idempotent), showing progress')
    .action(async () => {
      const bar = new cliProgress.SingleBar(
        {
          stream: io.out,
          format: 'Seeding [{bar}] {percentage}% | {value}/{total} records',
          noTTYOutput: !io.isTty,
          notTTYSchedule: 0,
          hideCursor: io.isTty,
        },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const result = ok(
        await resolve.get(SeedDemoCatalog).execute({
          onProgress: (done, total) => {
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.update(done);
          },
        }),
      );
      if (started) bar.stop();
      print(
        `Seeded ${result.categoriesCreated} new categories (of ${result.categoriesTotal}) and ` +
          `${result.productsCreated} new products (of ${result.productsTotal})`,
      );
    });

  program
    .command('order:status')
    .description('move an order along its state machine')
    .argument('<order>', 'order number (AF-#########) or id')
    .argument('<status>', `new status: ${ORDER_STATUSES.join(', ')}`, orderStatus)
    .option('--note <note>', 'a note for the status history')
    .option('--tracking <trackingNumber>', 'tracking number (when shipping)')
    .action(async (order: string, status: OrderStatus, options: { note?: string; tracking?: string }) => {
      const updated = ok(
        await resolve.get(ChangeOrderStatus).execute({
          order,
          status,
          changedBy: CLI_ACTOR,
          ...(options.note !== undefined ? { note: options.note } : {}),
          ...(options.tracking !== undefined ? { trackingNumber: options.tracking } : {}),
        }),
      );
      print(`Order ${updated.orderNumber} is now ${updated.status}`);
    });

  program
    .command('product:stock')
    .description("set a product's stock")
    .argument('<productId>', 'product id (24 hex characters)')
    .argument('<stock>', 'units on hand', nonNegativeInteger)
    .action(async (productId: string, stock: number) => {
      const product = ok(await resolve.get(SetProductStock).execute({ productId, stock }));
      print(`${product.name}: stock ${product.inventory.stock} (price ${toMajor(product.price)})`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CliFailure) {
      io.err.write(`Error ${error.message}\n`);
      return 1;
    }
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
}
