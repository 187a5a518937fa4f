import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Happy Chat HTTP API')
    .setDescription(
      'Errors are `{code, message, details?}`; the code is stable, the message is for people. ' +
        'Real-time traffic uses the WebSocket protocol in docs/protocol.md.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}
