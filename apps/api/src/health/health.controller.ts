import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { LakeLayout } from '@openfinops/tenants';
import { Public } from '../auth/access.decorators.ts';
import type { ApiConfig } from '../config/api-config.ts';
import { API_CONFIG } from '../common/injection-tokens.ts';
import type { StoreHealthRepository } from './store-health.repository.ts';

export const STORE_HEALTH = Symbol('StoreHealthRepository');

@ApiTags('health')
// Probes are never rate limited: a 429 on readiness would take a healthy process out of service.
@SkipThrottle({ default: true, login: true })
@Controller('health')
export class HealthController {
  private readonly lakeRoot: string;

  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(STORE_HEALTH) private readonly store: StoreHealthRepository,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.lakeRoot = new LakeLayout(config.dataDir).root;
  }

  /** The process is up; no dependencies checked (liveness must not flap with the database). */
  @Public()
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.checkStore(), () => this.checkLake()]);
  }

  private async checkStore() {
    const indicator = this.indicators.check('store');
    try {
      await this.store.ping();
      return indicator.up();
    } catch {
      return indicator.down({ message: 'store query failed' });
    }
  }

  /** Writes and removes a probe file under the lake root: imports and checks need it writable. */
  private async checkLake() {
    const indicator = this.indicators.check('lake');
    const probe = path.join(this.lakeRoot, `.ready-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(this.lakeRoot, { recursive: true });
      await writeFile(probe, '');
      await rm(probe, { force: true });
      return indicator.up();
    } catch {
      return indicator.down({ message: 'lake directory is not writable' });
    }
  }
}
