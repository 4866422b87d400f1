import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type passport from 'passport';
import { type ApiConfig } from '../config/api-config.ts';
import { ApiError, unauthenticated } from '../common/api-error.ts';
import { API_CONFIG, AUTHENTICATOR } from '../common/injection-tokens.ts';
import { accessOf } from './access-metadata.ts';
import { strategiesFor } from './authenticator.ts';
import type { AuthenticatedRequestFields, Principal } from './principal.ts';

/** First guard: every non-public route needs a valid access token, external IdP token or API key. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly strategies: string[];

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: passport.Authenticator,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.strategies = strategiesFor(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = accessOf(this.reflector, context);
    // Fail closed: an undeclared route is refused (the boot check normally prevents it from existing).
    if (!access) throw new ApiError(403, 'FORBIDDEN', 'This route declares no access rule');
    if (access.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequestFields>();
    const res = context.switchToHttp().getResponse<Response>();
    const principal = await new Promise<Principal | false>((resolve, reject) => {
      this.authenticator.authenticate(this.strategies, { session: false }, (err: unknown, user: Principal | false) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(user);
      })(req, res, (err?: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
    });
    if (!principal) {
      throw unauthenticated(
        req.headers.authorization ? 'Invalid or expired credentials' : 'Authentication required: send Authorization: Bearer <token>',
      );
    }
    req.principal = principal;
    return true;
  }
}
