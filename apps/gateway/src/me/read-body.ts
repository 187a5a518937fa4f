import type { Request, Response } from 'express';
import { CommonErrorCode } from '@app/contracts';
import { AppException } from '@app/common';

/**
 * The raw request body, refused with 413 as soon as it is known to pass `limit` (from
 * Content-Length, before reading anything, or while streaming). The connection is then closed
 * rather than drained: nobody should be made to receive the rest.
 */
export async function readBody(req: Request, res: Response, limit: number): Promise<Buffer> {
  const tooLarge = (): AppException => {
    res.setHeader('Connection', 'close');
    return new AppException(CommonErrorCode.PAYLOAD_TOO_LARGE, `The body may be at most ${limit} bytes`);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
