// The ceilings: a bare Fastify "hello world" on this machine, in its own process like Assay.
// With BODY_FILE, GET / answers that file's bytes as JSON instead, sent as they are (no schema,
// no serializing): what bare Fastify costs for a response of that size.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bodyFile = process.env['BODY_FILE'];
const body = bodyFile === undefined ? undefined : readFileSync(bodyFile, 'utf8');

const app = Fastify({ logger: false });
if (body === undefined) app.get('/', () => ({ hello: 'world' }));
else app.get('/', (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
const address = await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' });
console.log(`listening ${address}`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
