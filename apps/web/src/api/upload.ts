import type { UploadedAttachmentView } from '@app/contracts/messages/attachments';
import { API_BASE, ApiError, apiErrorOf, ClientErrorCodes, currentAuthProvider } from './http';

export interface UploadHandle {
  done: Promise<UploadedAttachmentView>;
  abort(): void;
}

/**
 * Upload an image to a room with XMLHttpRequest, which (unlike fetch) reports upload progress:
 * `onProgress` gets 0..1 as the bytes leave. The file itself is the body; the server decides the
 * type by its bytes. A 401 `auth.token_expired` refreshes the token and starts again once.
 */
export function uploadAttachment(
  roomId: string,
  file: Blob & { name?: string },
  onProgress: (fraction: number) => void,
): UploadHandle {
  let xhr: XMLHttpRequest | null = null;
  let aborted = false;
  const once = (token: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = new XMLHttpRequest();
      xhr = req;
      const name = file.name ? `?name=${encodeURIComponent(file.name)}` : '';
      req.open('POST', `${API_BASE}/rooms/${encodeURIComponent(roomId)}/attachments${name}`);
      req.setRequestHeader('Authorization', `Bearer ${token}`);
      req.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      req.setRequestHeader('Accept', 'application/json');
      req.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(Math.min(1, e.loaded / e.total));
      };
      req.onload = () => resolve({ status: req.status, text: req.responseText });
      req.onerror = () =>
        reject(new ApiError(0, ClientErrorCodes.NETWORK, 'Cannot reach the server. Check your connection.'));
      req.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
      req.send(file);
    });

  const done = (async () => {
    const provider = currentAuthProvider();
    const token = provider ? await provider.freshToken() : null;
    if (!provider || !token) throw new ApiError(401, ClientErrorCodes.SIGNED_OUT, 'You are signed out.');
    if (aborted) throw new DOMException('Upload cancelled', 'AbortError');
    let res = await once(token);
    if (res.status === 401 && apiErrorOf(res.status, res.text).code === 'auth.token_expired') {
      const renewed = await provider.refreshAfterExpiry();
      if (!renewed) throw apiErrorOf(res.status, res.text);
      if (aborted) throw new DOMException('Upload cancelled', 'AbortError');
      onProgress(0);
      res = await once(renewed);
    }
    if (res.status < 200 || res.status >= 300) throw apiErrorOf(res.status, res.text);
    onProgress(1);
    return JSON.parse(res.text) as UploadedAttachmentView;
  })();

  return {
    done,
    abort() {
      aborted = true;
      (xhr as XMLHttpRequest | null)?.abort();
    },
  };
}
