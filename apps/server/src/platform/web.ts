import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode } from '@assay/contracts';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, sendNotFound } from './errors.ts';
import { useStyleNonce } from './security-headers.ts';

/** The placeholder in the built index.html that each response replaces with its CSP nonce. */
export const cspNoncePlaceholder = '__CSP_NONCE__';

// Paths that belong to the server, never to the web app's router.
const serverPrefixes = ['/api', '/oidc', '/bff', '/healthz', '/readyz'];

// Angular's output hashing: `main-ABCDEFGH.js`, `chunk-…`, `styles-…`, `media/font-….woff2`.
const hashedAsset = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/** Options of the web app plugin. */
export interface WebAppOptions {
  /** The Angular build (`…/dist/web/browser`). */
  readonly distDir: string;
}

function isServerPath(urlPath: string): boolean {
  return serverPrefixes.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/** A navigation by a browser: a GET/HEAD that wants HTML for a path the web app routes. */
function isAppNavigation(request: FastifyRequest): boolean {
  const urlPath = request.url.split('?', 1)[0] ?? '/';
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    (request.headers.accept ?? '').includes('text/html') &&
    !isServerPath(urlPath)
  );
}

async function readIndexTemplate(distDir: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(distDir, 'index.html'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Serves the web app at `/`: hashed assets cached for a year, index.html never cached and
 * rendered per request with the CSP nonce, and index.html for every browser navigation the
 * server does not own (the app's client-side routes). Without a build the API still works
 * and navigations answer 503 `web_app_not_built`.
 */
export const webAppPlugin = fp<WebAppOptions>(
  async (app, options) => {
    const template = await readIndexTemplate(options.distDir);

    if (template === undefined) {
      app.log.warn(
        { webDistDir: options.distDir },
        'The web app is not built (no index.html); serving the API only. Run `npm run build`.',
      );
      const notBuilt = (request: FastifyRequest, reply: FastifyReply) => {
        if (request.url !== '/' && !isAppNavigation(request)) return sendNotFound(request, reply);
        throw new DomainError(
          ErrorCode.web_app_not_built,
          'The web app has not been built. Run `npm run build`, then restart the server.',
        );
      };
      app.get('/', { schema: { hide: true } }, notBuilt);
      app.get('/*', { schema: { hide: true } }, notBuilt);
      return;
    }

    if (!template.includes(cspNoncePlaceholder)) {
      app.log.warn(
        { webDistDir: options.distDir },
        `index.html has no ${cspNoncePlaceholder} placeholder; the CSP will block the app's styles.`,
      );
    }
    const templateParts = template.split(cspNoncePlaceholder);
    const sendIndex = (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(templateParts.join(useStyleNonce(reply)));

    await app.register(fastifyStatic, {
      root: options.distDir,
      wildcard: false,
      index: false,
      globIgnore: ['index.html'],
      cacheControl: false,
      schemaHide: true,
      setHeaders: (reply, filePath) => {
        reply.header(
          'cache-control',
          hashedAsset.test(path.basename(filePath))
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    });
    app.get('/', { schema: { hide: true } }, sendIndex);
    app.get('/index.html', { schema: { hide: true } }, sendIndex);
    app.get('/*', { schema: { hide: true } }, (request, reply) =>
      isAppNavigation(request) ? sendIndex(request, reply) : sendNotFound(request, reply),
    );
  },
  { name: 'web-app', fastify: '5.x', dependencies: ['security-headers', 'errors'] },
);
