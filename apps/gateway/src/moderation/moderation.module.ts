import { Module } from '@nestjs/common';
import { ModerationController, SiteReportsController } from './moderation.controller';

@Module({ controllers: [ModerationController, SiteReportsController] })
export class ModerationModule {}
