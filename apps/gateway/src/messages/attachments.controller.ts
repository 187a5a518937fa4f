import { Controller, Get, Headers, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  ATTACHMENT_CONTENT_TYPES,
  AttachmentLimits,
  Commands,
  CommonErrorCode,
  RoomErrorCode,
  UploadedAttachmentView,
} from '@app/contracts';
import { AccessClaims, AppException } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';
import { GatewayConfig } from '../gateway.config';
import { readBody } from '../me/read-body';

/** Declared types we read the body for; what it really is, the room service decides by its bytes. */
const UPLOAD_TYPES: readonly string[] = [...ATTACHMENT_CONTENT_TYPES, 'application/octet-stream'];

/**
 * `filename` (ASCII, quotes and backslashes replaced) and `filename*` (RFC 5987, UTF-8) for a
 * Content-Disposition header: a name cannot break out of the header or into another one.
 */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller()
export class AttachmentsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  @Post('rooms/:roomId/attachments')
  @ApiOperation({
    summary: 'Upload an image for a message (members only): the raw file as the body',
    description:
      'PNG, JPEG, GIF or WebP, recognised by its bytes; at most ATTACHMENT_MAX_BYTES (10 MiB by default). ' +
      'Send it next with message.send {kind: "image", attachmentIds: [id], content: caption}. ' +
      'Uploads never sent are deleted after ATTACHMENT_UNSENT_TTL_HOURS.',
  })
  @ApiConsumes(...UPLOAD_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({
    name: 'name',
    required: false,
    description: 'The file name to show (cleaned, at most 200 characters)',
  })
  @ApiResponse({
    status: 201,
    description: 'UploadedAttachmentView {id, name, mimeType, size, width?, height?, roomId, createdAt}',
  })
  @ApiResponse({ status: 403, description: 'room.not_member' })
  @ApiResponse({ status: 404, description: 'room.not_found' })
  @ApiResponse({ status: 413, description: 'common.payload_too_large: larger than ATTACHMENT_MAX_BYTES' })
  @ApiResponse({
    status: 415,
    description: 'room.attachment_type_unsupported: not a PNG, JPEG, GIF or WebP image (by its bytes)',
  })
  async upload(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('name') name?: unknown,
    @Headers('content-type') contentType?: string,
  ): Promise<UploadedAttachmentView> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!UPLOAD_TYPES.includes(type)) {
      throw new AppException(
        RoomErrorCode.ATTACHMENT_TYPE_UNSUPPORTED,
        'Send the image itself as the body, as image/png, image/jpeg, image/gif or image/webp',
      );
    }
    const data = await readBody(req, res, this.config.ATTACHMENT_MAX_BYTES).catch((err: unknown) => {
      // The person cancelled the upload (or lost the connection): nobody is waiting for an answer.
      if (req.aborted || (err as Error)?.message === 'aborted') {
        throw new AppException(CommonErrorCode.VALIDATION_FAILED, 'The upload was cut off');
      }
      throw err;
    });
    if (data.length === 0) {
      throw new AppException(RoomErrorCode.ATTACHMENT_TYPE_UNSUPPORTED, 'The body is empty: send the image');
    }
    return this.rpc.request(Commands.ATTACHMENT_UPLOAD, {
      actorId: user.sub,
      roomId,
      ...(typeof name === 'string' && name ? { name: name.slice(0, AttachmentLimits.NAME_MAX * 2) } : {}),
      data: data.toString('base64'),
    });
  }

  @Get('attachments/:id')
  @ApiOperation({
    summary: 'An image of a message, for members who may read it (and its uploader before it is sent)',
    description:
      'Served inline with its real type, nosniff and a sandboxing CSP; cache privately; revalidate with If-None-Match.',
  })
  @ApiProduces(...ATTACHMENT_CONTENT_TYPES)
  @ApiResponse({ status: 200, description: 'The image bytes' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag)' })
  @ApiResponse({
    status: 404,
    description: 'room.attachment_not_found: unknown, or not yours to see (the same answer either way)',
  })
  async download(
    @CurrentUser() user: AccessClaims,
    @Param('id', uuidParam) id: string,
    @Res() res: Response,
    @Headers('if-none-match') ifNoneMatch?: string,
  ): Promise<void> {
    const file = await this.rpc.request(Commands.ATTACHMENT_GET, {
      actorId: user.sub,
      attachmentId: id,
      ...(ifNoneMatch ? { ifNoneMatch: ifNoneMatch.slice(0, 512) } : {}),
    });
    res.setHeader('ETag', file.etag);
    // Private: whether one may see it depends on who asks. The bytes of an id never change.
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (file.notModified || file.data === undefined) {
      res.status(304).end();
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', file.mimeType);
    res.setHeader('Content-Disposition', contentDisposition(file.name));
    res.end(Buffer.from(file.data, 'base64'));
  }
}
