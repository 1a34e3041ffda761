import type { DependencyHealth } from '../../application/health/ports.js';

/**
 * A provider's health from one cheap authenticated GET: up on a 2xx, down otherwise (the status
 * or the network error as detail; never the URL, which may carry the account). Times out after
 * `timeoutMs`.
 */
export async function probeHttp(
  dependency: { readonly name: string; readonly role: string },
  url: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs = 3000,
): Promise<DependencyHealth> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok
      ? { ...dependency, status: 'up', latencyMs: latency() }
      : { ...dependency, status: 'down', latencyMs: latency(), detail: `HTTP ${response.status}` };
  } catch (error) {
    const detail = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable';
    return { ...dependency, status: 'down', latencyMs: latency(), detail };
  }
}
