import { contentDisposition } from './attachments.controller';

describe('contentDisposition', () => {
  it('gives an ASCII filename that cannot break the header and the exact name as filename*', () => {
    expect(contentDisposition('cat.png')).toBe(`inline; filename="cat.png"; filename*=UTF-8''cat.png`);
    expect(contentDisposition('고양이 "1".png')).toBe(
      `inline; filename="___ _1_.png"; filename*=UTF-8''%EA%B3%A0%EC%96%91%EC%9D%B4%20%221%22.png`,
    );
    expect(contentDisposition("a\\b'(c)*.gif")).toBe(
      `inline; filename="a_b'(c)*.gif"; filename*=UTF-8''a%5Cb%27%28c%29%2A.gif`,
    );
  });
});
