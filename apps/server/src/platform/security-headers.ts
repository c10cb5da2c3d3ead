import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The Content-Security-Policy of every response. Angular needs no inline script; its
 * component styles are inline `<style>` elements that carry the nonce (`ngCspNonce`), so only
 * the web app's index.html gets one (see {@link useStyleNonce}); every other response (JSON,
 * problems, assets) has nothing a nonce would unlock.
 */
export function contentSecurityPolicy(styleNonce?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    styleNonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${styleNonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Gives this response a fresh `style-src` nonce and returns it (for the page to carry). */
export function useStyleNonce(reply: FastifyReply): string {
  const nonce = randomBytes(16).toString('base64');
  reply.header('content-security-policy', contentSecurityPolicy(nonce));
  return nonce;
}

/** Options of the security headers plugin. */
export interface SecurityHeadersOptions {
  /** HSTS is sent only when users reach Assay over https. */
  readonly https: boolean;
}

/**
 * The security headers of every response, computed once: the set helmet recommends (isolation,
 * no sniffing, no framing, no referrer) and our CSP. They are the same for every response but
 * the web app's page, so they are one object set per reply rather than rebuilt per request —
 * they run on the hot path of every API call.
 */
export function securityHeaders(options: SecurityHeadersOptions): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(options.https
      ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
      : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/** Security headers on every response (see {@link securityHeaders}). */
export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  (app, options, done) => {
    const headers = securityHeaders(options);
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
    done();
  },
  { name: 'security-headers', fastify: '5.x' },
);
