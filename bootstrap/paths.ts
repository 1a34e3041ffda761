import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (where package.json is), found from this file, so the sources (tsx)
 * and the compiled build (dist/bootstrap/) find the files shipped beside the code (the
 * notification templates) whatever the working directory.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** templates/notifications at the package root. */
export function notificationTemplatesDir(): string {
  return join(packageRoot(), 'templates', 'notifications');
}
