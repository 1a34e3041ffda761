import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type ChildOptions = ChildLoggerOptions;
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/** What a parent logger must offer for its children to be made lazily (pino does). */
interface LevelAware extends FastifyBaseLogger {
  isLevelEnabled(level: string): boolean;
}

const levelAware = (logger: FastifyBaseLogger): logger is LevelAware =>
  typeof (logger as Partial<LevelAware>).isLevelEnabled === 'function';

/**
 * `request.log`, made when a line is first written at an enabled level. Fastify makes a child
 * logger (bound to the request id) for every request; with redaction configured, pino's child()
 * re-runs the redaction setup on the bindings, about 4% of a cached read's CPU, while most
 * requests write no line at all at the production levels. Lines that are written carry exactly
 * what the eager child's would (the same child, made at the first line).
 */
export class LazyChildLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: LevelAware,
    private readonly childBindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  private real(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.childBindings, this.options));
  }

  /** Whether a line at `level` would be written: no child is made for one that would not. */
  private on(level: Level): boolean {
    return this.#child !== undefined || this.parent.isLevelEnabled(level);
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    const child = this.#child as Partial<LevelAware> | undefined;
    return child?.isLevelEnabled ? child.isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }

  bindings(): Bindings {
    const real = this.real() as FastifyBaseLogger & { bindings?: () => Bindings };
    return real.bindings ? real.bindings() : { ...this.childBindings };
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  fatal(...args: LogArgs): void {
    if (this.on('fatal')) this.real().fatal(...args);
  }
  error(...args: LogArgs): void {
    if (this.on('error')) this.real().error(...args);
  }
  warn(...args: LogArgs): void {
    if (this.on('warn')) this.real().warn(...args);
  }
  info(...args: LogArgs): void {
    if (this.on('info')) this.real().info(...args);
  }
  debug(...args: LogArgs): void {
    if (this.on('debug')) this.real().debug(...args);
  }
  trace(...args: LogArgs): void {
    if (this.on('trace')) this.real().trace(...args);
  }
  silent(...args: LogArgs): void {
    this.real().silent(...args);
  }
}

/**
 * Fastify's `childLoggerFactory`: lazy children of a level-aware logger (pino). A route with a
 * log level of its own, or a parent without isLevelEnabled, gets the usual eager child.
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildOptions,
): FastifyBaseLogger {
  if (options.level !== undefined || !levelAware(logger)) return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings, options);
}
