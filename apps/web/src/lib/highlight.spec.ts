import { highlightParts } from './highlight';

const marked = (parts: Array<{ text: string; hit: boolean }>) =>
  parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join('');

describe('search hit highlighting', () => {
  it('marks every match, ignoring case, keeping the original spelling', () => {
    expect(marked(highlightParts('Picnic? picnic! PICNIC.', 'picnic'))).toBe('[Picnic]? [picnic]! [PICNIC].');
    expect(marked(highlightParts('제주도 항공권, 제주도 숙소', '제주도'))).toBe(
      '[제주도] 항공권, [제주도] 숙소',
    );
  });

  it('treats the query literally: markup and regex characters are just text', () => {
    expect(marked(highlightParts('a <b>bold</b> (a+b)*', '<b>'))).toBe('a [<b>]bold</b> (a+b)*');
    expect(marked(highlightParts('cost: $5.00 (approx.)', '$5.00 ('))).toBe('cost: [$5.00 (]approx.)');
    expect(marked(highlightParts('nothing here', '.*'))).toBe('nothing here');
  });

  it('cuts long text to a window around the first match', () => {
    const text = `${'filler words '.repeat(30)}the needle is here ${'and more after '.repeat(30)}`;
    const out = marked(highlightParts(text, 'needle'));
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out).toContain('[needle]');
    expect(out.length).toBeLessThanOrEqual(164);
  });

  it('never cuts an emoji in half', () => {
    const out = marked(highlightParts(`${'a'.repeat(159)}😀 tail`, 'a'));
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('without a query, the text as it is', () => {
    expect(highlightParts('hello', '  ')).toEqual([{ text: 'hello', hit: false }]);
  });
});
