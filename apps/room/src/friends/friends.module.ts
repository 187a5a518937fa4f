import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { FriendsHandler } from './friends.handler';
import { FriendsRepository } from './friends.repository';
import { FriendsService } from './friends.service';

@Module({
  imports: [RoomsModule],
  providers: [FriendsRepository, FriendsService, FriendsHandler],
  exports: [FriendsService],
})
export class FriendsModule {}
