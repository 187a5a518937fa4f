import 'reflect-metadata';
import { loadConfig, runService, startService } from '@app/common';
import { RoomAppModule } from './app.module';
import { RoomConfig } from './room.config';

runService(async () => {
  const config = loadConfig(RoomConfig);
  await startService('room', RoomAppModule.register(config), config);
}, 'room');
