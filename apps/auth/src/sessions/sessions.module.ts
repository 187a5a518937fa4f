import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { SessionEntity } from './entities/session.entity';
import { SessionEvents } from './session-events';
import { SessionsHandler } from './sessions.handler';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

export const SESSIONS_ENTITIES = [SessionEntity, RefreshTokenEntity];

@Module({
  imports: [TypeOrmModule.forFeature(SESSIONS_ENTITIES)],
  providers: [SessionsRepository, SessionsService, SessionEvents, SessionsHandler],
  exports: [SessionsRepository, SessionsService],
})
export class SessionsModule {}
