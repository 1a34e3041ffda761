import type { Container } from 'inversify';
import type { Config } from '../config.js';
import {
  STOCK_RESERVATION_POLICY,
  STOCK_RESERVATION_REPOSITORY,
  STOCK_STORE,
  type StockReservationPolicy,
} from '../../application/inventory/ports.js';
import { StockHold } from '../../application/inventory/stock-hold.js';
import { ORDER_REPOSITORY } from '../../application/ordering/ports.js';
import { SweepStockReservations } from '../../application/ordering/sweep-stock-reservations.js';
import {
  APP_LOGGER,
  CLOCK,
  ID_GENERATOR,
  STARTUP_TASK,
  type AppLogger,
  type StartupTask,
} from '../../application/shared/ports.js';
import { bindUseCase } from './bind.js';

/**
 * Runs a sweep once at start (settling what a previous process left behind) and then every
 * `intervalMs` on an unref'd timer (it never keeps the process alive). Sweeps never overlap;
 * `stop()` (on container deactivation) ends the schedule. A sweep's failure is logged only.
 *
 * The first sweep is started, not awaited: after a crash it can take seconds (7-8 s on FerretDB
 * with many abandoned placements), and the process must listen meanwhile. Stock it has not put
 * back yet is only briefly unavailable to buy.
 */
export abstract class SweepSchedule implements StartupTask {
  abstract readonly name: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    protected readonly logger: AppLogger,
  ) {}

  /** One sweep; throwing is allowed (logged as a warning). */
  protected abstract sweep(): Promise<void>;

  async run(): Promise<void> {
    if (this.stopped || this.timer) return;
    void this.sweepOnce();
    this.timer = setInterval(() => void this.sweepOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One sweep now, unless one is under way (then that one is awaited). */
  sweepOnce(): Promise<void> {
    this.running ??= this.guarded().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async guarded(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn(`${this.name} failed`, { error: String(error) });
    }
  }
}

/** A retention use case's sweep: hourly, and once at start. */
export abstract class RetentionSchedule extends SweepSchedule {
  static readonly INTERVAL_MS = 3_600_000;

  constructor(
    private readonly retention: { execute(): Promise<number> },
    logger: AppLogger,
  ) {
    super(RetentionSchedule.INTERVAL_MS, logger);
  }

  protected async sweep(): Promise<void> {
    await this.retention.execute();
  }
}

/** The stock reservation sweeper on its schedule (STOCK_SWEEP_INTERVAL_MS). */
export class ReservationSweepSchedule extends SweepSchedule {
  readonly name = 'sweep expired stock reservations';

  constructor(
    private readonly sweeper: SweepStockReservations,
    policy: StockReservationPolicy,
    logger: AppLogger,
  ) {
    super(policy.sweepIntervalMs, logger);
  }

  protected async sweep(): Promise<void> {
    const result = await this.sweeper.execute();
    if (result.isErr()) {
      this.logger.warn('stock reservation sweep failed', { code: result.error.code });
      return;
    }
    const { committed, released, dropped } = result.value;
    if (committed + released + dropped > 0) {
      this.logger.info('expired stock reservations settled', { committed, released, dropped });
    }
  }
}

/**
 * The reservation store (memory or Mongo), its policy, the StockHold placement and the sweeper
 * share, the sweeper use case and its schedule.
 */
export function bindStockReservations(container: Container, config: Config): void {
  container
    .bind<StockReservationPolicy>(STOCK_RESERVATION_POLICY)
    .toConstantValue({ ...config.stockReservation });
  bindUseCase(container, StockHold, [
    STOCK_STORE,
    STOCK_RESERVATION_REPOSITORY,
    ID_GENERATOR,
    APP_LOGGER,
    STOCK_RESERVATION_POLICY,
  ]);
  bindUseCase(container, SweepStockReservations, [
    STOCK_RESERVATION_REPOSITORY,
    StockHold,
    ORDER_REPOSITORY,
    CLOCK,
  ]);
  container
    .bind(ReservationSweepSchedule)
    .toResolvedValue(
      (sweeper: SweepStockReservations, policy: StockReservationPolicy, logger: AppLogger) =>
        new ReservationSweepSchedule(sweeper, policy, logger),
      [SweepStockReservations, STOCK_RESERVATION_POLICY, APP_LOGGER],
    )
    .inSingletonScope()
    .onDeactivation((schedule) => schedule.stop());
  container
    .bind<StartupTask>(STARTUP_TASK)
    .toResolvedValue((schedule: ReservationSweepSchedule) => schedule, [ReservationSweepSchedule]);
}
