import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ApiModule, type ApiModuleOptions } from './app.module.ts';
import { assertRouteAccessDeclared } from './route-access.ts';

export type ApiApp = NestExpressApplication;

export function buildOpenApiDocument(app: ApiApp): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Open FinOps Stack API')
    .setDescription('Multi-tenant FinOps API: tenants, members, runs. Errors are { error: { code, message, details } }.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Access token (POST /auth/login) or API key ofk_…' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Builds and initialises the API (not listening). Refuses to return an app in which any route lacks an access
 * declaration. The caller owns the store's lifecycle.
 */
export async function createApiApp(options: ApiModuleOptions): Promise<ApiApp> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.register(options), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  try {
    app.useLogger(app.get(Logger));
    app.flushLogs();
    app.useBodyParser('json', { limit: options.config.bodyLimitBytes });
    app.disable('x-powered-by');
    // Only the first proxy hop is trusted for the client IP (rate limiting falls back to it).
    app.set('trust proxy', 'loopback');
    const document = buildOpenApiDocument(app);
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
    await app.init();
    assertRouteAccessDeclared(app);
    return app;
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}
