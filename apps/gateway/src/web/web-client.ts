import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Happy Chat</title>
<p>The web client is not built yet. Run <code>npm run build:web</code> (npm start does it for you).</p>`;

const API_PATHS = /^\/(api|ws|health|metrics)(\/|$)/;

/** Serve the built single-page client, with index.html for every client-side route. */
export function serveWebClient(app: NestExpressApplication, distDir: string): void {
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  const worker = join(root, 'sw.js');
  if (existsSync(root))
    app.useStaticAssets(root, {
      index: false,
      maxAge: '1h',
      setHeaders: (res: Response, path: string) =>
        path === worker ? serviceWorkerHeaders(res) : noCacheForHtml(res, path),
    });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || API_PATHS.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    if (existsSync(index)) return res.sendFile(index);
    res.status(503).type('html').send(NOT_BUILT);
  });
}

function noCacheForHtml(res: Response, path: string): void {
  if (path.endsWith('.html') || path.endsWith('.webmanifest')) res.setHeader('Cache-Control', 'no-cache');
}

/**
 * The service worker: always revalidated, so a new build's worker is found on the next visit
 * (browsers cap a worker's HTTP cache at 24 h anyway, but an hour-old one would delay updates),
 * and allowed to control the whole origin from the root.
 */
function serviceWorkerHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Service-Worker-Allowed', '/');
  res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
}

/** Headers every response carries. User content is rendered as text by the client; CSP backs that up. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
  );
  next();
}
