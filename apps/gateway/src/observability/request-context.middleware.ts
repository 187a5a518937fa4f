import type { NextFunction, Request, Response } from 'express';
import { currentCorrelationId as currentId, Metrics, runWithContext } from '@app/common';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Every HTTP request runs with a correlation id — the proxy's X-Request-Id when it sent a
 * well-formed one, otherwise a new one — which reaches every RPC, event and log line it causes,
 * and is echoed back so a user's report can be found in the logs.
 */
export function requestContext(metrics: Metrics) {
  const latency = metrics.histogram('happychat_http_request_seconds', 'HTTP requests by route and status', [
    'method',
    'route',
    'status',
  ]);
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    runWithContext(typeof incoming === 'string' ? incoming : undefined, () => {
      const stop = latency.startTimer();
      res.on('finish', () => {
        // The matched route pattern, never the raw path: ids in paths would explode the label set.
        const route =
          (req.route as { path?: string } | undefined)?.path ??
          (res.statusCode === 404 ? 'unmatched' : 'static');
        stop({ method: req.method, route: `${req.baseUrl ?? ''}${route}`, status: String(res.statusCode) });
      });
      const id = currentId();
      if (id) res.setHeader(REQUEST_ID_HEADER, id);
      next();
    });
  };
}
