import type { FastifyReply, FastifyRequest } from 'fastify';

/** Cookie names: `__Host-` prefixed (Secure, Path=/, no Domain) when PUBLIC_URL is https. */
export function bffCookieNames(secure: boolean) {
  return {
    session: secure ? '__Host-assay_session' : 'assay_session',
    login: secure ? '__Host-assay_login' : 'assay_login',
    xsrf: 'XSRF-TOKEN',
  } as const;
}

/** The web app's cookies: the HttpOnly session, the sign-in transaction, Angular's XSRF-TOKEN. */
export class SessionCookies {
  readonly names: ReturnType<typeof bffCookieNames>;
  readonly #secure: boolean;

  constructor(publicUrl: URL) {
    this.#secure = publicUrl.protocol === 'https:';
    this.names = bffCookieNames(this.#secure);
  }

  options(httpOnly: boolean, maxAge?: number) {
    return {
      path: '/',
      httpOnly,
      secure: this.#secure,
      sameSite: 'lax' as const,
      ...(maxAge === undefined ? {} : { maxAge }),
    };
  }

  /** The session id the browser sent, if any. */
  sessionIdOf(request: FastifyRequest): string | undefined {
    const cookie = request.cookies[this.names.session];
    return cookie === undefined || cookie === '' ? undefined : cookie;
  }

  setSession(reply: FastifyReply, sessionId: string, csrfToken: string, lifetime: number): void {
    reply.setCookie(this.names.session, sessionId, this.options(true, lifetime));
    reply.setCookie(this.names.xsrf, csrfToken, this.options(false, lifetime));
  }

  clearSession(reply: FastifyReply): void {
    reply.clearCookie(this.names.session, this.options(true));
    reply.clearCookie(this.names.xsrf, this.options(false));
  }
}
