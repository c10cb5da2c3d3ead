/**
 * Who is calling: a person or a machine client, as vouched for by a verified access token. The
 * one type every feature uses for the caller; the `authenticate` plugin (identity) sets it.
 */
export interface Principal {
  /** `client` for a machine client (client credentials), `user` for a person. */
  readonly kind: 'user' | 'client';
  /** `sub`: an account id (or external subject), or the machine client's id. */
  readonly subject: string;
  readonly issuer: string;
  /** The OAuth client the token was issued to. */
  readonly clientId: string;
  readonly displayName: string | null;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly scope: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null (public route, or optional and anonymous). */
    principal: Principal | null;
  }
}
