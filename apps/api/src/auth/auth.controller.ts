import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { unauthenticated } from '../common/api-error.ts';
import { ApiZodBody } from '../common/openapi.ts';
import { ZodValidationPipe } from '../common/zod-validation.pipe.ts';
import type { UserRepository } from '../users/user.repository.ts';
import { Authenticated, Public } from './access.decorators.ts';
import { AuthenticationFailedError, AuthService, type TokenPair } from './auth.service.ts';
import type { AuthenticatedRequestFields } from './principal.ts';

export const USER_REPOSITORY = Symbol('UserRepository');

const loginSchema = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }).strict();
const refreshSchema = z.object({ refreshToken: z.string().min(1).max(200) }).strict();

async function mapAuthError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AuthenticationFailedError) throw unauthenticated(err.message);
    throw err;
  }
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  // Also limited by the `login` throttler (FINOPS_LOGIN_RATE_LIMIT per client per minute).
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiZodBody(loginSchema)
  login(@Body(new ZodValidationPipe(loginSchema)) body: z.infer<typeof loginSchema>): Promise<TokenPair> {
    return mapAuthError(this.auth.login(body.email, body.password));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiZodBody(refreshSchema)
  refresh(@Body(new ZodValidationPipe(refreshSchema)) body: z.infer<typeof refreshSchema>): Promise<TokenPair> {
    return mapAuthError(this.auth.refresh(body.refreshToken));
  }

  /** Public so a client whose access token expired can still end its session. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiZodBody(refreshSchema)
  async logout(@Body(new ZodValidationPipe(refreshSchema)) body: z.infer<typeof refreshSchema>): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Authenticated()
  @ApiBearerAuth()
  @Get('me')
  async me(@Req() req: Request & AuthenticatedRequestFields) {
    const principal = req.principal!;
    if (principal.kind === 'api-key') {
      return { kind: 'api-key', keyId: principal.keyId, tenantId: principal.tenantId, role: principal.role };
    }
    const user = await this.users.findById(principal.userId);
    if (!user) throw unauthenticated();
    return {
      kind: 'user',
      id: user.id,
      email: user.email,
      isPlatformAdmin: user.isPlatformAdmin,
      memberships: await this.users.memberships(user.id),
    };
  }
}
