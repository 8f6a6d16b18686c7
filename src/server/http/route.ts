import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { RouteDef, RouteId, routes } from '../../shared/routes';
import type { AuthContext, Services } from './context';

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type AuthFor<R extends RouteDef> = R['access'] extends { kind: 'public' } ? AuthContext | null : AuthContext;

export interface HandlerContext<R extends RouteDef> {
  params: R extends { params: infer P } ? Out<P> : Record<string, never>;
  query: R extends { query: infer Q } ? Out<Q> : Record<string, never>;
  body: R extends { body: infer B } ? Out<B> : undefined;
  auth: AuthFor<R>;
  ip: string;
  req: FastifyRequest;
  reply: FastifyReply;
  services: Services;
}

/** A route handler returns the response body (validated against the route's response schema in tests). */
export type Handler<R extends RouteDef> = (ctx: HandlerContext<R>) => Promise<unknown>;

export type RouteHandlers = { [Id in RouteId]?: Handler<(typeof routes)[Id]> };

/** Each module declares the handlers of its routes with this, keyed by route id. */
export function defineHandlers<H extends RouteHandlers>(handlers: H): H {
  return handlers;
}
