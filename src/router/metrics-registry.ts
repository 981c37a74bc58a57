// The router's own metrics, per isolate: requests and latency per route. Rendered with
// the cluster's metrics by GET /metrics in Prometheus text format.

import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "./context.js";

/** Latency histogram buckets, in seconds (Prometheus convention). */
const BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const MAX_SERIES = 1_000;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const requests = new Map<string, number>();
const latencies = new Map<string, Histogram>();

export const recordRequest: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  // The last matched route is the handler's pattern, e.g. /v1/topics/:topic/records.
  const route = routePath(c, -1);
  const seconds = (performance.now() - started) / 1000;
  const key = `route="${route}",method="${c.req.method}",status="${c.res.status}"`;
  if (requests.has(key) || requests.size < MAX_SERIES) requests.set(key, (requests.get(key) ?? 0) + 1);
  const routeKey = `route="${route}"`;
  let histogram = latencies.get(routeKey);
  if (!histogram && latencies.size < MAX_SERIES) {
    histogram = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 };
    latencies.set(routeKey, histogram);
  }
  if (!histogram) return;
  BUCKETS_S.forEach((le, i) => {
    if (seconds <= le) histogram.counts[i]!++;
  });
  histogram.sum += seconds;
  histogram.count++;
};

export function renderRouterMetrics(): string[] {
  const lines = [
    "# HELP edgelog_http_requests_total HTTP requests answered by this router isolate.",
    "# TYPE edgelog_http_requests_total counter",
  ];
  for (const [labels, value] of requests) lines.push(`edgelog_http_requests_total{${labels}} ${value}`);
  lines.push(
    "# HELP edgelog_http_request_duration_seconds Request latency in this router isolate.",
    "# TYPE edgelog_http_request_duration_seconds histogram",
  );
  for (const [labels, h] of latencies) {
    BUCKETS_S.forEach((le, i) => {
      lines.push(`edgelog_http_request_duration_seconds_bucket{${labels},le="${le}"} ${h.counts[i]}`);
    });
    lines.push(`edgelog_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
    lines.push(`edgelog_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
    lines.push(`edgelog_http_request_duration_seconds_count{${labels}} ${h.count}`);
  }
  return lines;
}
