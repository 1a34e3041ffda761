import type { Writable } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { CreateAdmin, SetUserRole } from '../../application/identity/admin-accounts.js';
import { CreateApiKey, ListApiKeys, RevokeApiKey } from '../../application/identity/api-keys.js';
import { VerifyAuditChain } from '../../application/identity/audit-chain.js';
import { ROLES, type Role } from '../../domain/identity/user.js';
import { SeedDemoCatalog } from '../../application/catalog/seed-demo-catalog.js';
import { SynthesizeOrderHistory } from '../../application/discovery/synthesize-history.js';
import { TrainRecommendationModel } from '../../application/discovery/train-model.js';
import {
  ListLowStock,
  RestockProduct,
  SetProductStock,
  VerifyStockLedger,
} from '../../application/inventory/use-cases.js';
import { STOCK_LEDGER, STOCK_NOTIFY_REPOSITORY } from '../../application/inventory/ports.js';
import { ChangeOrderStatus } from '../../application/ordering/change-order-status.js';
import { PROMO_CODE_REPOSITORY } from '../../application/promotions/ports.js';
import { CreatePromoCode } from '../../application/promotions/use-cases.js';
import { PROMO_TYPES, type PromoType } from '../../domain/promotions/promo-code.js';
import { fromMajor } from '../../domain/shared/money.js';
import { RANDOM_SOURCE, type RandomSource } from '../../application/shared/ports.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/ordering/status.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import type { Result } from '../../domain/shared/result.js';
import { toMajor } from '../../domain/shared/money.js';
import type { Resolver } from '../resolver.js';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '../persistence/mongo/connection.js';
import { ensureIndexes } from '../persistence/mongo/indexes.js';
import { PiiKeyRotation } from '../persistence/mongo/pii-rotation.js';
import { PII_CIPHER, type PiiCipher } from '../../application/shared/pii.js';
import { CLOCK, type Clock } from '../../application/shared/ports.js';
import { MigrationLockedError, MigrationRunner } from '../persistence/mongo/migrations.js';
import {
  AUDIT_LOG,
  PASSWORD_RESET_STORE,
  TOKEN_REVOCATION_STORE,
  USER_REPOSITORY,
  type UserRepository,
} from '../../application/identity/ports.js';
import { WISHLIST_REPOSITORY } from '../../application/wishlist/ports.js';
import { CART_REPOSITORY } from '../../application/cart/ports.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { STOCK_RESERVATION_REPOSITORY } from '../../application/inventory/ports.js';
import { CATEGORY_REPOSITORY, PRODUCT_REPOSITORY } from '../../application/catalog/ports.js';

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

/** A command that cannot run as configured (exit 2, like bad usage). */
class CliUnavailable extends Error {}

/** Ports whose Mongo adapters declare indexes; resolving them registers their models. */
const MONGO_BACKED_PORTS: readonly symbol[] = [
  USER_REPOSITORY,
  AUDIT_LOG,
  PASSWORD_RESET_STORE,
  TOKEN_REVOCATION_STORE,
  WISHLIST_REPOSITORY,
  CART_REPOSITORY,
  ORDER_REPOSITORY,
  PRODUCT_REPOSITORY,
  CATEGORY_REPOSITORY,
  STOCK_RESERVATION_REPOSITORY,
  STOCK_LEDGER,
  STOCK_NOTIFY_REPOSITORY,
  PROMO_CODE_REPOSITORY,
];

async function mongoConnection(resolve: Resolver): Promise<Connection> {
  let connection: Connection;
  try {
    connection = resolve.get<Connection>(MONGO_CONNECTION);
  } catch {
    throw new CliUnavailable(
      'MONGODB_URI is not set: this command needs a MongoDB database (the embedded store has no indexes or migrations)',
    );
  }
  await connection.asPromise();
  return connection;
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

function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n < 1 || n > 100_000) throw new InvalidArgumentError('must be a whole number from 1 to 100000');
  return n;
}

function nonNegativeAmount(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d{1,2})?$/.test(value) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('must be an amount >= 0 with at most 2 decimals');
  }
  return n;
}

function promoType(value: string): PromoType {
  if (!(PROMO_TYPES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${PROMO_TYPES.join(', ')}`);
  }
  return value as PromoType;
}

function isoDate(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new InvalidArgumentError('must be an ISO date, e.g. 2026-12-31T23:59:59Z');
  return d;
}

function orderStatus(value: string): OrderStatus {
  if (!(ORDER_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${ORDER_STATUSES.join(', ')}`);
  }
  return value as OrderStatus;
}

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  }
  return value as Role;
}

/**
 * The admin CLI: the same use cases the HTTP API calls, through the same container. Answers the
 * process exit code: 0 done, 1 a use case refused (code and message printed), 2 bad usage.
 */
/** A progress bar on the CLI's output, started by the first update (when the total is known). */
function progressBar(io: CliIo, format: string): { update(done: number, total: number): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { stream: io.out, format, noTTYOutput: !io.isTty, notTTYSchedule: 0, hideCursor: io.isTty },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

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
    .command('user:role')
    .description('grant a role (user, admin, courier) to an existing account')
    .argument('<user>', 'email or user id')
    .argument('<role>', `the role: ${ROLES.join(', ')}`, role)
    .action(async (user: string, granted: Role) => {
      const saved = ok(await resolve.get(SetUserRole).execute({ user, role: granted }));
      print(`${saved.email} (${saved.id}) is now ${saved.role}`);
    });

  program
    .command('api-keys:create')
    .description('create an API key acting for an admin; prints the key and its signing secret once')
    .argument('<admin>', "the admin's email")
    .argument('<name>', 'what the key is for')
    .requiredOption('--scopes <scopes>', 'comma-separated scopes, e.g. catalog:read,orders:read')
    .option('--expires <date>', 'ISO date; at most 2 years ahead')
    .action(async (admin: string, name: string, options: { scopes: string; expires?: string }) => {
      const user = await resolve.get<UserRepository>(USER_REPOSITORY).findByEmail(admin.trim().toLowerCase());
      if (!user || user.role !== 'admin') {
        throw new CliFailure(domainError('ADMIN_REQUIRED', `${admin} is not an admin account`));
      }
      const expiresAt = options.expires === undefined ? undefined : new Date(options.expires);
      const created = ok(
        await resolve.get(CreateApiKey).execute({
          createdBy: user.id,
          name,
          scopes: options.scopes.split(',').map((s) => s.trim()),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        }),
      );
      print(`API key ${created.apiKey.id} (${created.apiKey.scopes.join(', ')})`);
      print(`key: ${created.key}`);
      print(`signing secret: ${created.signingSecret}`);
      print('Store both now: they are not shown again.');
    });

  program
    .command('api-keys:list')
    .description('list API keys (never their secrets)')
    .action(async () => {
      for (const k of await resolve.get(ListApiKeys).execute()) {
        const state = k.revokedAt
          ? 'revoked'
          : k.expiresAt
            ? `expires ${k.expiresAt.toISOString()}`
            : 'active';
        print(`${k.id}  af_${k.prefix}_…  ${k.name}  [${k.scopes.join(', ')}]  ${state}`);
      }
    });

  program
    .command('api-keys:revoke')
    .description('revoke an API key (idempotent)')
    .argument('<id>', 'the key id')
    .action(async (id: string) => {
      const key = ok(await resolve.get(RevokeApiKey).execute(id));
      print(`API key ${key.id} revoked at ${key.revokedAt!.toISOString()}`);
    });

  program
    .command('seed')
    .description('load the demo catalog (idempotent), showing progress')
    .action(async () => {
      const bar = progressBar(io, 'Seeding [{bar}] {percentage}% | {value}/{total} records');
      const result = ok(
        await resolve.get(SeedDemoCatalog).execute({
          onProgress: bar.update,
        }),
      );
      bar.stop();
      print(
        `Seeded ${result.categoriesCreated} new categories (of ${result.categoriesTotal}) and ` +
          `${result.productsCreated} new products (of ${result.productsTotal})`,
      );
    });

  program
    .command('orders:synthesize')
    .description(
      'write a synthetic order history (shoppers, seasonal orders, favourites, views) for demos, ' +
        'benchmarks and training; the same seed again adds nothing',
    )
    .option('--orders <n>', 'orders to generate', nonNegativeInteger, 5000)
    .option('--months <n>', 'months of history, ending now', nonNegativeInteger, 12)
    .option('--seed <n>', 'seed of the generator (0-4294967295)', nonNegativeInteger, 42)
    .option('--users <n>', 'shoppers to create', nonNegativeInteger, 800)
    .action(async (opts: { orders: number; months: number; seed: number; users: number }) => {
      const bar = progressBar(io, 'Synthesizing [{bar}] {percentage}% | {value}/{total} shoppers and orders');
      const result = ok(
        await resolve.get(SynthesizeOrderHistory).execute({
          ...opts,
          onProgress: bar.update,
        }),
      );
      bar.stop();
      print(
        `Synthesized ${result.shoppersCreated} new shoppers, ${result.ordersCreated} new orders ` +
          `(${result.ordersSkipped} already there), ${result.favoritesAdded} favourites, ` +
          `${result.viewsRecorded} product views`,
      );
    });

  program
    .command('recommendations:train')
    .description('train, evaluate and store the next recommendation model version here, showing progress')
    .action(async () => {
      const bar = progressBar(io, 'Training [{bar}] {percentage}%');
      const training = resolve.get(TrainRecommendationModel);
      const version = await training.nextVersion();
      const model = await training.run(version, (p) => bar.update(p, 100));
      bar.stop();
      if (!model) {
        print(`Version ${version} is stored already: nothing trained`);
        return;
      }
      const { metrics: m, trainingData: d } = model;
      print(
        `Stored model version ${model.version} (${d.products} products, ${d.orders} orders, ` +
          `${d.wishlists} wishlists, ${d.views} views)`,
      );
      print(`Evaluated on ${m.evaluatedOrders} held-out orders:`);
      print(`  model     hit-rate@10 ${m.hitRateAt10.toFixed(4)}  NDCG@10 ${m.ndcgAt10.toFixed(4)}`);
      print(
        `  popular   hit-rate@10 ${m.baseline.hitRateAt10.toFixed(4)}  NDCG@10 ${m.baseline.ndcgAt10.toFixed(4)}`,
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

  program
    .command('inventory:low-stock')
    .description('list products at or below their low-stock threshold')
    .action(async () => {
      const items = ok(await resolve.get(ListLowStock).execute());
      if (items.length === 0) print('No product is low on stock');
      for (const i of items)
        print(`${i.product.id}  ${i.product.name}: stock ${i.stock} (threshold ${i.threshold})`);
    });

  program
    .command('inventory:restock')
    .description('receive stock for a product (a restock movement; back-in-stock mails go out)')
    .argument('<productId>', 'product id (24 hex characters)')
    .argument('<quantity>', 'units received', nonNegativeInteger)
    .option('--reference <reference>', 'delivery or purchase-order reference')
    .action(async (productId: string, quantity: number, options: { reference?: string }) => {
      const done = ok(
        await resolve.get(RestockProduct).execute({
          productId,
          quantity,
          actor: CLI_ACTOR,
          ...(options.reference !== undefined ? { reference: options.reference } : {}),
        }),
      );
      print(
        `${done.product.name}: stock ${done.before} -> ${done.after} (reference ${done.reference}, ${done.notified} back-in-stock mails)`,
      );
    });

  program
    .command('inventory:verify')
    .description('reconcile the stock ledger: stock must equal the sum of movements for every product')
    .action(async () => {
      const check = ok(await resolve.get(VerifyStockLedger).execute());
      print(`Checked ${check.checked} products; settled ${check.settled} parked movements`);
      for (const m of check.mismatches)
        print(`MISMATCH ${m.productId}: stock ${m.stock}, ledger ${m.ledger}`);
      if (check.mismatches.length > 0) {
        throw new CliFailure(
          domainError('CONFLICT', `${check.mismatches.length} products do not match their ledger`),
        );
      }
      print('Ledger OK');
    });

  program
    .command('audit:verify')
    .description("walk the audit log's hash chain in batches; report the first broken link (exit 1)")
    .option('--batch <n>', 'entries read per batch', positiveInteger, 500)
    .action(async (options: { batch: number }) => {
      const bar = progressBar(io, 'Verifying [{bar}] {percentage}% | {value}/{total} entries');
      const report = await resolve.get(VerifyAuditChain).execute({
        batchSize: options.batch,
        onProgress: (done, total) => bar.update(done, total),
      });
      bar.stop();
      if (report.broken) {
        print(`BROKEN at seq ${report.broken.seq} (${report.broken.reason}): ${report.broken.message}`);
        throw new CliFailure(
          domainError(
            'CONFLICT',
            `audit chain broken at seq ${report.broken.seq} after ${report.checked} good entries`,
          ),
        );
      }
      print(`Audit chain OK: ${report.checked} entries`);
    });

  program
    .command('promo:create')
    .description('create a promo code (the same use case as POST /api/promos)')
    .argument('<code>', 'the code (case-insensitive; stored uppercase)')
    .argument('<type>', `one of ${PROMO_TYPES.join(', ')}`, promoType)
    .argument(
      '<value>',
      'percentage: percent (10 = 10 %); fixed: amount in major units; shipping: 0',
      nonNegativeAmount,
    )
    .option('--min <amount>', 'minimum order subtotal (major units)', nonNegativeAmount)
    .option('--max-discount <amount>', 'cap on the discount (major units)', nonNegativeAmount)
    .option('--limit <uses>', 'total redemptions allowed', nonNegativeInteger)
    .option('--per-user <uses>', 'redemptions allowed per shopper (default 1)', nonNegativeInteger)
    .option('--from <date>', 'valid from (ISO date)', isoDate)
    .option('--until <date>', 'valid until (ISO date)', isoDate)
    .action(
      async (
        code: string,
        type: PromoType,
        value: number,
        options: {
          min?: number;
          maxDiscount?: number;
          limit?: number;
          perUser?: number;
          from?: Date;
          until?: Date;
        },
      ) => {
        const promo = ok(
          await resolve.get(CreatePromoCode).execute({
            createdBy: CLI_ACTOR,
            draft: {
              code,
              type,
              value:
                type === 'percentage' ? Math.round(value * 100) : type === 'fixed' ? fromMajor(value) : 0,
              ...(options.min !== undefined ? { minOrderAmount: fromMajor(options.min) } : {}),
              ...(options.maxDiscount !== undefined ? { maxDiscount: fromMajor(options.maxDiscount) } : {}),
              ...(options.limit !== undefined ? { usageLimit: options.limit } : {}),
              ...(options.perUser !== undefined ? { perUserLimit: options.perUser } : {}),
              ...(options.from !== undefined ? { validFrom: options.from } : {}),
              ...(options.until !== undefined ? { validUntil: options.until } : {}),
            },
          }),
        );
        const shown =
          promo.type === 'percentage'
            ? `${promo.value / 100} %`
            : promo.type === 'fixed'
              ? `${toMajor(promo.value)} off`
              : 'free shipping';
        print(
          `Promo ${promo.code} (${promo.id}): ${shown}, min ${toMajor(promo.minOrderAmount)}, limit ${promo.usageLimit ?? 'none'}`,
        );
      },
    );

  program
    .command('db:indexes')
    .description('create (if missing) and list every declared MongoDB index, per collection')
    .action(async () => {
      const connection = await mongoConnection(resolve);
      for (const port of MONGO_BACKED_PORTS) {
        try {
          resolve.get(port);
        } catch {
          // not bound in this build: no model to register
        }
      }
      const reports = await ensureIndexes(connection);
      let collection = '';
      for (const r of [...reports].sort((a, b) => a.collection.localeCompare(b.collection))) {
        if (r.collection !== collection) {
          collection = r.collection;
          print(collection);
        }
        const { background: _b, ...options } = r.options;
        const extra = Object.keys(options).length ? ` ${JSON.stringify(options)}` : '';
        print(`  ${r.name} ${JSON.stringify(r.keys)}${extra}: ${r.status}`);
      }
      const unsupported = reports.filter((r) => r.status === 'unsupported').length;
      print(
        `${reports.length} indexes: ${reports.length - unsupported} created, ${unsupported} unsupported by this server`,
      );
    });

  program
    .command('pii:rotate-keys')
    .description(
      'make a new data key version for personal data and re-encrypt every document under it, in batches, showing progress (resumes an interrupted run)',
    )
    .option('--batch-size <n>', 'documents per batch (checkpointed after each)', nonNegativeInteger, 200)
    .action(async (options: { batchSize: number }) => {
      const connection = await mongoConnection(resolve);
      const rotation = new PiiKeyRotation(connection, resolve.get<PiiCipher>(PII_CIPHER));
      let bar: ReturnType<typeof progressBar> | null = null;
      let current = '';
      const report = await rotation.run({
        batchSize: Math.max(1, options.batchSize),
        now: resolve.get<Clock>(CLOCK).now(),
        onProgress: (collection, done, total) => {
          if (collection !== current) {
            bar?.stop();
            current = collection;
            bar = progressBar(
              io,
              `${collection.padEnd(16)} [{bar}] {percentage}% | {value}/{total} documents`,
            );
          }
          bar!.update(done, total);
        },
      });
      (bar as ReturnType<typeof progressBar> | null)?.stop();
      print(`${report.resumed ? 'Resumed the rotation' : 'Rotated'} to data key ${report.target}`);
      for (const c of report.collections) {
        print(`  ${c.collection}: ${c.examined} examined, ${c.rewritten} re-encrypted`);
      }
    });

  program
    .command('migrate')
    .description('apply (up), revert the last (down) or list (status) database migrations')
    .argument('<direction>', 'up, down or status', (value: string) => {
      if (!['up', 'down', 'status'].includes(value))
        throw new InvalidArgumentError('must be up, down or status');
      return value as 'up' | 'down' | 'status';
    })
    .action(async (direction: 'up' | 'down' | 'status') => {
      const connection = await mongoConnection(resolve);
      const runner = new MigrationRunner(connection.db!);
      try {
        if (direction === 'up') {
          const applied = await runner.up();
          for (const m of applied) print(`Applied ${String(m.version).padStart(3, '0')}-${m.name}`);
          print(applied.length ? `${applied.length} migration(s) applied` : 'Nothing to apply: up to date');
        } else if (direction === 'down') {
          const reverted = await runner.down();
          print(
            reverted
              ? `Reverted ${String(reverted.version).padStart(3, '0')}-${reverted.name}`
              : 'Nothing to revert',
          );
        } else {
          for (const s of await runner.status()) {
            const state = s.appliedAt ? `applied ${s.appliedAt.toISOString()}` : 'pending';
            print(`${String(s.version).padStart(3, '0')}-${s.name}: ${state}`);
          }
        }
      } catch (error) {
        if (error instanceof MigrationLockedError) throw new CliUnavailable(error.message);
        throw error;
      }
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CliFailure) {
      io.err.write(`Error ${error.message}\n`);
      return 1;
    }
    if (error instanceof CliUnavailable) {
      io.err.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
}
