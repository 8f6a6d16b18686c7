// Typed HTTP client built from the shared route table: `api('updateUser', { params: { id }, body })`.
// Same-origin cookie session; every non-GET request carries the session's CSRF token.

import type { z } from 'zod';
import { buildPath, errorMessages, routes, type Attachment, type ErrorCode, type RouteDef, type RouteId } from '../../shared';
import { t } from '../i18n';

type Routes = typeof routes;
type Input<S> = S extends z.ZodType ? z.input<S> : never;
type Output<S> = S extends z.ZodType ? z.output<S> : never;

type ParamsPart<D> = D extends { params: infer P } ? { params: Input<P> } : { params?: undefined };
type BodyPart<D> = D extends { body: infer B } ? { body: Input<B> } : { body?: undefined };
type QueryPart<D> = D extends { query: infer Q } ? { query?: Partial<Input<Q>> } : { query?: undefined };

export type CallOptions<K extends RouteId> = ParamsPart<Routes[K]> &
  BodyPart<Routes[K]> &
  QueryPart<Routes[K]> & { signal?: AbortSignal };

export type ResponseOf<K extends RouteId> = Routes[K] extends { response: infer S } ? Output<S> : void;

type NeedsOptions<K extends RouteId> = Routes[K] extends { params: unknown } | { body: unknown } ? true : false;
type Args<K extends RouteId> = NeedsOptions<K> extends true ? [options: CallOptions<K>] : [options?: CallOptions<K>];

/** Client-only codes, next to the server's `ErrorCode`s. */
export type ClientErrorCode = ErrorCode | 'network_error' | 'bad_response';

export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ClientErrorCode;
  readonly details: unknown;

  constructor(status: number, code: ClientErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field errors carried by a `validation_failed` answer, keyed by field name. */
  get fieldErrors(): Record<string, string> {
    return fieldErrorsFromDetails(this.details);
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: ((code: ClientErrorCode) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The session's CSRF token, for requests built outside `api()` (multipart uploads). */
export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Called when an authenticated call answers 401 (session expired, revoked...) or 403 password_change_required. */
export function setUnauthenticatedHandler(handler: ((code: ClientErrorCode) => void) | null): void {
  onUnauthenticated = handler;
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorMessages, code);
}

export async function api<K extends RouteId>(id: K, ...args: Args<K>): Promise<ResponseOf<K>> {
  const route = (routes as Record<RouteId, RouteDef>)[id];
  const options = ((args as unknown[])[0] ?? {}) as {
    params?: Record<string, string>;
    body?: unknown;
    query?: Record<string, unknown>;
    signal?: AbortSignal;
  };
  const url = buildPath(route.path, options.params) + queryString(options.query);
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method: route.method, credentials: 'include', headers, signal: options.signal };
  if (route.method !== 'GET') {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
  }

  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', t('error.network'));
  }

  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    let apiError: ApiError;
    if (err && isErrorCode(err.code)) {
      const message = typeof err.message === 'string' && err.message ? err.message : errorMessages[err.code];
      apiError = new ApiError(res.status, err.code, message, err.details);
    } else if (res.status === 401) {
      apiError = new ApiError(401, 'unauthenticated', errorMessages.unauthenticated);
    } else if (res.status === 502 || res.status === 503 || res.status === 504) {
      apiError = new ApiError(res.status, 'unavailable', errorMessages.unavailable);
    } else {
      apiError = new ApiError(res.status, 'bad_response', t('error.unexpected'));
    }
    if (apiError.code === 'password_change_required') onUnauthenticated?.(apiError.code);
    if (
      res.status === 401 &&
      id !== 'login' &&
      id !== 'session' &&
      id !== 'changePassword' &&
      (apiError.code === 'unauthenticated' || apiError.code === 'session_expired')
    ) {
      onUnauthenticated?.(apiError.code);
    }
    throw apiError;
  }

  if ('response' in route && route.response) {
    const parsed = (route.response as z.ZodType).safeParse(data);
    if (!parsed.success) {
      // The contract is shared: a mismatch is a server bug worth seeing in the console.
      console.warn(`[vigie] réponse inattendue pour ${id}`, parsed.error.issues, data);
      return data as ResponseOf<K>;
    }
    return parsed.data as ResponseOf<K>;
  }
  return data as ResponseOf<K>;
}

/**
 * Uploads one file (multipart/form-data, field `file`) to `uploadAttachment` and returns the
 * stored attachment; errors are `ApiError`s in French (415 attachment_type_forbidden, 413
 * attachment_too_large...).
 */
export function uploadAttachment(eventId: string, file: File, signal?: AbortSignal): Promise<Attachment> {
  return uploadFile('uploadAttachment', file, { params: { id: eventId }, signal, tooLarge: 'attachment_too_large', badType: 'attachment_type_forbidden' });
}

type MultipartRouteId = { [K in RouteId]: (typeof routes)[K] extends { multipart: true } ? K : never }[RouteId];

/**
 * Uploads one file (multipart/form-data, field `file`) to a multipart route of the table and
 * returns its typed answer; errors are `ApiError`s in French, with the server's `details`
 * (line-by-line problems of an import, for instance).
 */
export async function uploadFile<K extends MultipartRouteId>(
  id: K,
  file: File,
  options: {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    signal?: AbortSignal;
    /** Codes for a 413 / 415 that did not come with the API's own error body (a proxy's answer). */
    tooLarge?: ErrorCode;
    badType?: ErrorCode;
  } = {},
): Promise<ResponseOf<K>> {
  const route = routes[id] as RouteDef;
  const form = new FormData();
  form.append('file', file, file.name);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(buildPath(route.path, options.params) + queryString(options.query), { method: route.method, credentials: 'include', headers, body: form, signal: options.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', t('error.network'));
  }
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (err && isErrorCode(err.code)) {
      const message = typeof err.message === 'string' && err.message ? err.message : errorMessages[err.code];
      if (res.status === 401) onUnauthenticated?.(err.code);
      throw new ApiError(res.status, err.code, message, err.details);
    }
    const tooLarge = options.tooLarge ?? 'file_too_large';
    if (res.status === 413) throw new ApiError(413, tooLarge, errorMessages[tooLarge]);
    if (res.status === 415 && options.badType) throw new ApiError(415, options.badType, errorMessages[options.badType]);
    throw new ApiError(res.status, 'bad_response', t('error.unexpected'));
  }
  const parsed = route.response ? route.response.safeParse(data) : { success: true as const, data };
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', t('error.unexpected'));
  return parsed.data as ResponseOf<K>;
}

/** URL of a GET route (downloads, images), with its query string. */
export function routeUrl(id: RouteId, params?: Record<string, string>, query?: Record<string, unknown>): string {
  return buildPath(routes[id].path, params) + queryString(query);
}

const locationSegments = new Set(['body', 'query', 'params']);

function pathToField(path: unknown): string {
  const segments = Array.isArray(path)
    ? path.map(String)
    : typeof path === 'string'
      ? path.split('.').filter(Boolean)
      : [];
  const rest = segments.length > 1 && locationSegments.has(segments[0]) ? segments.slice(1) : segments;
  return rest.join('.') || '_form';
}

/**
 * Accepts the shapes a zod-based server may send as `details`: an array of issues, `{ issues }`,
 * or a flattened error (`{ fieldErrors, formErrors }`). Returns the first message per field;
 * errors on the whole object go to `_form`.
 */
export function fieldErrorsFromDetails(details: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (field: string, message: unknown) => {
    if (typeof message === 'string' && message && !(field in out)) out[field] = message;
  };
  if (!details || typeof details !== 'object') return out;
  const issues = Array.isArray(details)
    ? details
    : Array.isArray((details as { issues?: unknown }).issues)
      ? (details as { issues: unknown[] }).issues
      : null;
  if (issues) {
    for (const issue of issues) {
      if (issue && typeof issue === 'object') {
        const i = issue as { path?: unknown; message?: unknown; field?: unknown };
        add(pathToField(i.path ?? i.field), i.message);
      }
    }
    return out;
  }
  const flat = details as { fieldErrors?: Record<string, unknown>; formErrors?: unknown };
  if (flat.fieldErrors && typeof flat.fieldErrors === 'object') {
    for (const [field, messages] of Object.entries(flat.fieldErrors)) {
      add(field, Array.isArray(messages) ? messages[0] : messages);
    }
    if (Array.isArray(flat.formErrors)) add('_form', flat.formErrors[0]);
  }
  return out;
}

/** Client-side validation with a shared schema: `{ data }` or `{ errors }` keyed by field. */
export function validate<S extends z.ZodType>(
  schema: S,
  values: unknown,
): { data: z.output<S>; errors: null } | { data: null; errors: Record<string, string> } {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { data: parsed.data, errors: null };
  return { data: null, errors: fieldErrorsFromDetails(parsed.error.issues) };
}

/** French message for anything thrown by a call. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return t('error.unexpected');
}
