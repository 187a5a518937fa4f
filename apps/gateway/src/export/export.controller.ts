import { Controller, Get, Logger, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Commands } from '@app/contracts';
import { ExportArchive } from '@app/contracts/history/export-archive';
import { exportFileName } from '@app/contracts/history/export-format';
import { AccessClaims } from '@app/common';
import { RpcClient } from '@app/messaging';
import { AccessTokenGuard, CurrentUser } from '../auth/access-token.guard';
import { uuidParam } from '../errors/uuid-param';

@ApiTags('messages')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId')
export class ExportController {
  private readonly logger = new Logger('Export');

  constructor(private readonly rpc: RpcClient) {}

  /**
   * The first request decides the answer (403/404 as usual); after that the zip streams, page by
   * page from history, with the room owner checked again for every page. A failure midway can
   * only cut the download short: the zip is then incomplete, and unzip says so.
   */
  @Get('export')
  @ApiOperation({
    summary:
      "Download the room's log (owner only) as a zip in the original spec's shape: <roomId>/session_info.json and <roomId>/YYYY/MM/DD.json ({chat:[{user_id, chat_time, chat_type, content (base64)}]})",
  })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, description: 'application/zip, streamed' })
  @ApiResponse({ status: 403, description: 'room.forbidden (not the owner), room.not_member' })
  async export(
    @CurrentUser() user: AccessClaims,
    @Param('roomId', uuidParam) roomId: string,
    @Res() res: Response,
  ): Promise<void> {
    const info = await this.rpc.request(Commands.MESSAGE_EXPORT_BEGIN, { actorId: user.sub, roomId });
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(info.roomId)}"`);
    res.setHeader('Cache-Control', 'no-store');
    const archive = new ExportArchive(info);
    let finished = false;
    res.on('close', () => {
      if (!finished) archive.abort();
    });
    archive.output.pipe(res);
    try {
      let afterSeq = 0;
      for (;;) {
        const page = await this.rpc.request(Commands.MESSAGE_EXPORT_PAGE, {
          actorId: user.sub,
          roomId,
          afterSeq,
        });
        await archive.add(page.messages);
        if (!page.hasMore || page.messages.length === 0) break;
        afterSeq = page.messages[page.messages.length - 1].seq;
      }
      finished = true;
      await archive.finish();
    } catch (err) {
      finished = true;
      this.logger.warn({ msg: 'export cut short', roomId, err: (err as Error).message });
      archive.abort();
      res.destroy(err as Error);
    }
  }
}
