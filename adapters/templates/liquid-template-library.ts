import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Liquid, type Template } from 'liquidjs';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import {
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../../domain/notifications/notification.js';
import {
  TEMPLATE_VARIABLE_TYPES,
  type RenderedMessage,
  type TemplateDescriptor,
  type TemplateLibrary,
  type TemplateVariable,
  type TemplateVariables,
} from '../../application/notifications/ports.js';
import { checkTemplateVariables } from '../../application/notifications/template-variables.js';
import { page } from '../../application/shared/mail.js';

/** What every template sees beside its own variables (`shop.name`, `shop.url`). */
export interface ShopGlobals {
  readonly name: string;
  /** The storefront's origin (FRONTEND_URL). */
  readonly url: string;
}

type Part = 'subject' | 'emailText' | 'emailHtml' | 'sms' | 'push';
const FILES: Readonly<Record<Part, string>> = {
  subject: 'subject.liquid',
  emailText: 'email.txt.liquid',
  emailHtml: 'email.html.liquid',
  sms: 'sms.liquid',
  push: 'push.liquid',
};
/** The files each channel needs (push takes its title from the subject when there is one). */
const NEEDED: Readonly<Record<NotificationType, readonly Part[]>> = {
  email: ['subject', 'emailText', 'emailHtml'],
  sms: ['sms'],
  push: ['push'],
};

interface LoadedTemplate {
  readonly descriptor: TemplateDescriptor;
  readonly parts: Partial<Record<Part, Template[]>>;
}

function fail(dir: string, why: string): never {
  throw new Error(`notification template ${dir}: ${why}`);
}

/** `template.json`, checked: a broken declaration stops the start, never a send. */
function parseDescriptor(name: string, dir: string, json: string): TemplateDescriptor {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    fail(dir, `template.json is not JSON (${(error as Error).message})`);
  }
  const d = raw as Record<string, unknown>;
  if (typeof d !== 'object' || d === null) fail(dir, 'template.json must hold an object');
  if (typeof d.description !== 'string') fail(dir, 'description must be a string');
  const channels = d.channels;
  if (
    !Array.isArray(channels) ||
    channels.length === 0 ||
    !channels.every((c) => (NOTIFICATION_TYPES as readonly unknown[]).includes(c))
  ) {
    fail(dir, `channels must list some of ${NOTIFICATION_TYPES.join(', ')}`);
  }
  if (!(NOTIFICATION_CATEGORIES as readonly unknown[]).includes(d.category)) {
    fail(dir, `category must be one of ${NOTIFICATION_CATEGORIES.join(', ')}`);
  }
  const variables: Record<string, TemplateVariable> = {};
  const declared = d.variables ?? {};
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) {
    fail(dir, 'variables must be an object');
  }
  for (const [key, value] of Object.entries(declared)) {
    const v = value as Record<string, unknown>;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key === 'shop') fail(dir, `bad variable name ${key}`);
    if (!(TEMPLATE_VARIABLE_TYPES as readonly unknown[]).includes(v?.type)) {
      fail(dir, `variable ${key}: type must be one of ${TEMPLATE_VARIABLE_TYPES.join(', ')}`);
    }
    if (typeof v.required !== 'boolean') fail(dir, `variable ${key}: required must be true or false`);
    if (!('example' in v)) fail(dir, `variable ${key}: an example is needed (the preview uses it)`);
    variables[key] = {
      type: v.type as TemplateVariable['type'],
      example: v.example,
      required: v.required,
      ...(typeof v.description === 'string' ? { description: v.description } : {}),
      ...(v.secret === true ? { secret: true } : {}),
    };
  }
  return {
    name,
    description: d.description,
    channels: channels as NotificationType[],
    category: d.category as TemplateDescriptor['category'],
    variables,
  };
}

/**
 * The templates of `templates/notifications/` rendered with liquidjs: Liquid runs no code, and
 * with strict variables and filters a typo fails instead of printing nothing. The HTML part is
 * rendered by an engine that escapes every output (`outputEscape`), so a variable can never
 * inject markup; `| raw` opts out in the template file itself, never from a variable. Every file
 * is read and parsed once, on first use.
 */
export class LiquidTemplateLibrary implements TemplateLibrary {
  private readonly text: Liquid;
  private readonly html: Liquid;
  private loaded?: Promise<ReadonlyMap<string, LoadedTemplate>>;

  constructor(
    private readonly dir: string,
    private readonly shop: ShopGlobals,
  ) {
    // `templates: {}`: no include/render/layout reaches the file system. No `renderLimit`: it is
    // wall-clock time, read (performance.now) at every block liquidjs renders, a tenth of a render's
    // CPU; and a process paused past it (GC, a CPU quota, a busy host) failed the render, so the
    // order's mail was refused for good. The templates are this repository's files, their loops
    // run over the variables' lists, and `memoryLimit` still bounds what a render writes.
    const common = {
      strictVariables: true,
      strictFilters: true,
      lenientIf: true,
      ownPropertyOnly: true,
      templates: {},
      memoryLimit: 16 * 1024 * 1024,
      globals: { shop: { name: shop.name, url: shop.url } },
    };
    this.text = new Liquid(common);
    this.html = new Liquid({ ...common, outputEscape: 'escape' });
  }

  private load(): Promise<ReadonlyMap<string, LoadedTemplate>> {
    this.loaded ??= this.readAll().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async readAll(): Promise<ReadonlyMap<string, LoadedTemplate>> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const templates = new Map<string, LoadedTemplate>();
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = join(this.dir, entry.name);
      const descriptor = parseDescriptor(entry.name, dir, await readFile(join(dir, 'template.json'), 'utf8'));
      const parts: Partial<Record<Part, Template[]>> = {};
      const present = new Set(await readdir(dir));
      for (const part of Object.keys(FILES) as Part[]) {
        const file = FILES[part];
        if (!present.has(file)) continue;
        const engine = part === 'emailHtml' ? this.html : this.text;
        try {
          parts[part] = engine.parse(await readFile(join(dir, file), 'utf8'), join(dir, file));
        } catch (error) {
          fail(dir, `${file} does not parse (${(error as Error).message})`);
        }
      }
      for (const channel of descriptor.channels) {
        for (const part of NEEDED[channel]) {
          if (!parts[part]) fail(dir, `channel ${channel} needs ${FILES[part]}`);
        }
      }
      templates.set(entry.name, { descriptor, parts });
    }
    return templates;
  }

  async list(): Promise<readonly TemplateDescriptor[]> {
    return [...(await this.load()).values()].map((t) => t.descriptor);
  }

  async describe(name: string): Promise<TemplateDescriptor | undefined> {
    return (await this.load()).get(name)?.descriptor;
  }

  async render(
    name: string,
    channel: NotificationType,
    variables: TemplateVariables,
  ): Promise<Result<RenderedMessage, DomainError>> {
    const template = (await this.load()).get(name);
    if (!template) {
      return Err(domainError('TEMPLATE_NOT_FOUND', `There is no notification template named ${name}`));
    }
    const checked = checkTemplateVariables(template.descriptor, channel, variables);
    if (checked.isErr()) return checked;
    const scope = { ...variables };
    // Synchronous rendering: the engines reach no file system (`templates: {}`) and no filter is
    // asynchronous, and the asynchronous renderer costs a promise per tag (a profile of checkout
    // under load had a tenth of its CPU time in it).
    const run = (part: Part): string | undefined => {
      const parsed = template.parts[part];
      if (!parsed) return undefined;
      const engine = part === 'emailHtml' ? this.html : this.text;
      // With strict variables, `{% if line.note %}` on a line without a note makes liquidjs throw
      // (and catch) an error: its stack trace cost more than the rest of the render. The message
      // is all that is used, and rendering is synchronous, so no other code runs without stacks.
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return String(engine.renderSync(parsed, scope)).trim();
      } finally {
        Error.stackTraceLimit = limit;
      }
    };
    try {
      const subject = run('subject') ?? '';
      switch (channel) {
        case 'email': {
          const body = run('emailHtml') ?? '';
          return Ok({ subject, text: run('emailText') ?? '', html: page(subject, body) });
        }
        case 'sms':
          return Ok({ subject: '', text: run('sms') ?? '' });
        case 'push':
          return Ok({ subject: subject || this.shop.name, text: run('push') ?? '' });
      }
    } catch (error) {
      // The declared types hold, so what fails is inside a value: a list line or an object
      // without a field the template prints (strict variables). Bad input, named, never a 500.
      const reason = ((error as Error).message ?? 'render failed').split(', line:')[0];
      return Err(
        domainError('VALIDATION_FAILED', `Template ${name} could not be rendered: ${reason}`, {
          errors: [{ field: 'variables', message: reason ?? 'render failed' }],
        }),
      );
    }
  }
}
