import type { IncomingMessage } from 'node:http';

import { ErrorCode, problemCatalog, problemTypePrefix } from '@assay/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

type KoaContext = Pick<KoaContextWithOIDC, 'status' | 'body' | 'type' | 'path' | 'method' | 'res'>;

import type { KeySetSnapshot, SigningKeyRing } from './signing-keys.ts';

/** The path the embedded provider is mounted at; the issuer is `${PUBLIC_URL}/oidc`. */
export const OIDC_MOUNT_PATH = '/oidc';

/**
 * Holds the running oidc-provider instance. oidc-provider fixes its keys at construction, so
 * when the key set in the database changes (a rotation, or a pending key becoming the signer)
 * a new instance is built and swapped in; all its state is in the database, so requests in
 * flight on the old instance and later ones on the new one see the same sessions and tokens.
 */
export class EmbeddedProvider {
  readonly #ring: SigningKeyRing;
  readonly #build: (snapshot: KeySetSnapshot) => Provider;
  readonly #onError: (error: unknown) => void;
  #provider: Provider | undefined;
  #callback: ((req: IncomingMessage, res: unknown) => Promise<void>) | undefined;
  #fingerprint: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: {
    ring: SigningKeyRing;
    build: (snapshot: KeySetSnapshot) => Provider;
    onError: (error: unknown) => void;
  }) {
    this.#ring = options.ring;
    this.#build = options.build;
    this.#onError = options.onError;
  }

  /** Loads the keys and builds the provider; then re-checks the keys every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch(this.#onError);
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Re-reads the key set; rebuilds the provider when the signer or published keys changed. */
  async refresh(): Promise<void> {
    const snapshot = await this.#ring.load();
    if (snapshot.fingerprint === this.#fingerprint && this.#provider !== undefined) return;
    const provider = this.#build(snapshot);
    // When no provider route matched (Koa leaves 404 with no body), answer like every other
    // unknown path. First in the chain, so it sees the outcome of all the others.
    (provider as unknown as { middleware: unknown[] }).middleware.unshift(
      async (ctx: KoaContext, next: () => Promise<void>) => {
        await next();
        if (ctx.status !== 404 || ctx.body !== undefined) return;
        const path = `${OIDC_MOUNT_PATH}${ctx.path}`;
        ctx.status = 404;
        ctx.type = 'application/problem+json; charset=utf-8';
        ctx.body = JSON.stringify({
          type: `${problemTypePrefix}${ErrorCode.not_found}`,
          title: problemCatalog.not_found.title,
          status: 404,
          detail: `There is nothing at ${ctx.method} ${path}.`,
          code: ErrorCode.not_found,
          instance: path,
          requestId: String(ctx.res.getHeader('x-request-id') ?? ''),
        });
      },
    );
    this.#provider = provider;
    this.#callback = provider.callback() as (req: IncomingMessage, res: unknown) => Promise<void>;
    this.#fingerprint = snapshot.fingerprint;
  }

  get provider(): Provider {
    if (this.#provider === undefined) throw new Error('The embedded provider has not started');
    return this.#provider;
  }

  /**
   * Makes `raw` look to the provider like a request to PUBLIC_URL: the provider builds every
   * URL from the request, and PUBLIC_URL — not a client's Host or X-Forwarded-* — is the truth.
   */
  static presentAsPublic(request: FastifyRequest, publicUrl: URL): void {
    const headers = request.raw.headers;
    headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    headers['x-forwarded-host'] = publicUrl.host;
    headers['x-forwarded-for'] = request.ip;
  }

  /** Hands a request under /oidc to the provider (the reply is hijacked). */
  async handle(request: FastifyRequest, reply: FastifyReply, publicUrl: URL): Promise<void> {
    const callback = this.#callback;
    if (callback === undefined) throw new Error('The embedded provider has not started');
    // Security headers set by earlier hooks would be lost with the hijack: copy them.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.hijack();
    const raw = request.raw as IncomingMessage & { baseUrl?: string; originalUrl?: string };
    const url = raw.url ?? '/';
    let rest = url.slice(OIDC_MOUNT_PATH.length);
    if (!rest.startsWith('/')) rest = `/${rest}`;
    // Mounted like Express's app.use('/oidc', …): the provider routes the rest and prefixes
    // the URLs it builds with baseUrl.
    raw.url = rest;
    raw.baseUrl = OIDC_MOUNT_PATH;
    delete raw.originalUrl;
    EmbeddedProvider.presentAsPublic(request, publicUrl);
    await callback(raw, reply.raw);
  }
}

/** Mounts the provider at /oidc, with request bodies left unread for it. */
export function mountEmbeddedProvider(
  app: FastifyInstance,
  embedded: EmbeddedProvider,
  publicUrl: URL,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(null);
  });
  const handler = (request: FastifyRequest, reply: FastifyReply) =>
    embedded.handle(request, reply, publicUrl);
  const options = { schema: { hide: true } };
  app.all(OIDC_MOUNT_PATH, options, handler);
  app.all(`${OIDC_MOUNT_PATH}/*`, options, handler);
}
