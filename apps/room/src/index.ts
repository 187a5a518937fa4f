import { INestApplication } from '@nestjs/common';
import { loadConfig, startService } from '@app/common';
import { RoomAppModule } from './app.module';
import { RoomConfig } from './room.config';

export { RoomAppModule } from './app.module';
export { RoomConfig } from './room.config';

/** Boot the room service in this process (tests, the e2e harness); the caller owns signals. */
export async function startRoomService(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const config = loadConfig(RoomConfig, env);
  return startService('room', RoomAppModule.register(config), config, { handleSignals: false });
}
