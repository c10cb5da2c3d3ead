import { randomBytes } from 'node:crypto';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** This response's CSP nonce for `style-src`; the web app's index.html carries it. */
    cspNonce: string;
  }
}

/**
 * The Content-Security-Policy of every response. Angular needs no inline script; its
 * component styles are inline `<style>` elements that carry the nonce (`ngCspNonce`).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Options of the security headers plugin. */
export interface SecurityHeadersOptions {
  /** HSTS is sent only when users reach Assay over https. */
  readonly https: boolean;
}

/**
 * Security headers on every response: helmet's set, plus our CSP. The CSP is built here rather
 * than by helmet because only `style-src` carries a per-request nonce; helmet's nonce option
 * also adds one to `script-src`, where the web app needs none.
 */
export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, options) => {
    app.decorateRequest('cspNonce', '');
    app.addHook('onRequest', (request, reply, done) => {
      request.cspNonce = randomBytes(16).toString('base64');
      reply.header('content-security-policy', contentSecurityPolicy(request.cspNonce));
      done();
    });
    await app.register(helmet, {
      contentSecurityPolicy: false,
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: options.https
        ? { maxAge: 31_536_000, includeSubDomains: true }
        : false,
    });
  },
  { name: 'security-headers', fastify: '5.x' },
);
