import type { Response } from 'express';
import type { Request } from 'firebase-functions/v2/https';
import { ApiError } from '../domain/api';
import { httpErrorResponse } from './errors';
import { requestFailed, requestRefused } from './logs';

/** A route handler: answers through `res`, or throws (an `ApiError` for anything expected). */
export type RouteHandler = (req: Request, res: Response) => Promise<void>;

export interface Route {
  path: string;
  methods: Readonly<Partial<Record<string, RouteHandler>>>;
}

/** Writes a JSON answer; API answers are per caller and never cached by intermediaries. */
export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', ...headers })
    .json(body);
}

function normalize(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** A route path with `{name}` segments, as a pattern that captures each one (one path segment each). */
function patternOf(path: string): { regex: RegExp; names: string[] } | null {
  const names: string[] = [];
  const source = normalize(path)
    .split('/')
    .map((segment) => {
      const match = /^\{(\w+)\}$/.exec(segment);
      if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]!);
      return '([^/]+)';
    })
    .join('/');
  return names.length > 0 ? { regex: new RegExp(`^${source}$`), names } : null;
}

/** The decoded `{name}` segments of the matched route (`/v1/streams/{source}/watermark`). */
export function routeParams(res: Response): Record<string, string> {
  return (res.locals.routeParams as Record<string, string> | undefined) ?? {};
}

/**
 * A tiny router (the API has a handful of routes; a framework would be more code to audit than
 * this): exact paths, and paths with `{name}` segments. Unknown paths are 404, known paths with
 * another method 405 with `Allow`; every thrown error goes through the one error adapter.
 */
export function createRouter(routes: readonly Route[]): (req: Request, res: Response) => Promise<void> {
  const table = new Map(routes.map((route) => [normalize(route.path), route]));
  const patterns = routes.flatMap((route) => {
    const pattern = patternOf(route.path);
    return pattern ? [{ ...pattern, route }] : [];
  });
  const match = (path: string, res: Response): Route | undefined => {
    const exact = table.get(path);
    if (exact) return exact;
    for (const { regex, names, route } of patterns) {
      const found = regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(found[i + 1]!);
        } catch {
          throw new ApiError('invalid_argument', `path segment ${name} is not valid percent-encoding`, {
            errors: [{ path: name, message: 'must be percent-encoded UTF-8' }],
          });
        }
      });
      res.locals.routeParams = params;
      return route;
    }
    return undefined;
  };
  return async (req, res) => {
    const path = normalize(req.path);
    try {
      const route = match(path, res);
      if (!route) throw new ApiError('not_found', `no route ${path}`);
      const handler = route.methods[req.method.toUpperCase()];
      if (!handler) {
        const allow = Object.keys(route.methods);
        throw new ApiError('method_not_allowed', `${req.method} is not allowed on ${path}`, { allow });
      }
      await handler(req, res);
    } catch (err) {
      const answer = httpErrorResponse(err);
      if (answer.expected) requestRefused(answer.body.error.code, answer.status, req.method, path);
      else requestFailed(req.method, path, err);
      if (!res.headersSent) sendJson(res, answer.status, answer.body, answer.headers);
    }
  };
}

/** Every value of every query parameter, as the URL holds them (repeats kept, nothing coerced). */
export function queryParams(req: Request): Record<string, string[]> {
  const url = new URL(req.originalUrl || req.url, 'http://localhost');
  const params: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (params[name] ??= []).push(value);
  return params;
}

/** One request header, the first value when repeated. */
export function header(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The raw request body; reading stops once it exceeds `limit` (enough to tell it is too large). The
 * platform's body parsers keep the bytes they read in `rawBody`; a request without a
 * Content-Type is left unread by them, so the stream is read here.
 */
export async function readBody(req: Request, limit: number): Promise<Buffer> {
  const raw: unknown = req.rawBody;
  if (Buffer.isBuffer(raw)) return raw;
  if (req.readableEnded || !req.readable) return Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      // Past the limit the answer is 413 whatever follows: stop buffering, drain the rest.
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
