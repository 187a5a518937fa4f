import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginThrottle } from './login-throttle';
import { ThrottleEventEntity } from './throttle-event.entity';
import { ThrottleRepository } from './throttle.repository';

export const THROTTLE_ENTITIES = [ThrottleEventEntity];

@Module({
  imports: [TypeOrmModule.forFeature(THROTTLE_ENTITIES)],
  providers: [ThrottleRepository, LoginThrottle],
  exports: [LoginThrottle],
})
export class ThrottleModule {}
