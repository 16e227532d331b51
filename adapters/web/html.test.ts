import { describe, expect, it } from 'vitest';
import { html, jsonBlock } from './html.ts';

describe('HTML templates', () => {
  it('escape every interpolated value unless it is already HTML', () => {
    const name = `<img src=x onerror="alert('1')">&`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe('<td title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</td>');
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.text).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
    expect(html`${undefined}${null}${false}${0}`.text).toBe('0');
  });

  it('put chart data in a JSON block no value can close', () => {
    expect(jsonBlock('d', { label: '</script><script>alert(1)</script>' }).text).toBe('<script type="application/json" id="d">{"label":"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"}</script>');
  });
});
