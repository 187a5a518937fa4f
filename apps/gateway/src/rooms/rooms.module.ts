import { Module } from '@nestjs/common';
import { RoomImagesController, RoomsController } from './rooms.controller';

@Module({ controllers: [RoomsController, RoomImagesController] })
export class RoomsModule {}
