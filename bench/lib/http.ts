// HTTP helpers shared by the benchmarks that drive a real server process over loopback.
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';

export interface BenchResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One JSON request to 127.0.0.1:`port`. With `localAddress` (another 127.0.0.x), a fresh
 * connection from that address: the login route limits attempts per client address.
 */
export function request(port: number, method: string, url: string, body: unknown, headers: Record<string, string>, localAddress?: string): Promise<BenchResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        ...(localAddress ? { localAddress, agent: false } : { agent: keepAlive }),
        headers: { ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** Waits until the server child answers /api/health with 200 (about 150 s at most). */
export async function waitHealth(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      const r = await request(port, 'GET', '/api/health', undefined, {}, '127.0.0.1');
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become healthy');
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Closes the kept-alive connections (before stopping a server, so the next one starts clean). */
export function closeKeepAlive(): void {
  keepAlive.destroy();
}
