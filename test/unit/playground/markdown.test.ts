import { describe, expect, test } from '@jest/globals';
import { renderMarkdown } from '../../../src/playground/markdown.js';

describe('renderMarkdown: comments as GitHub would show them', () => {
  test('GitDone’s hidden marker is hidden, as on GitHub', () => {
    const html = renderMarkdown('⏳ **Deadline set**\n\n<!-- gitdone:reply:abc-1 n0nce -->');
    expect(html).toBe('<p>⏳ <strong>Deadline set</strong></p>\n');
    expect(renderMarkdown('before <!-- inline --> after')).toBe('<p>before  after</p>');
  });

  test('<details> and <summary> work, as in GitDone’s replies', () => {
    const html = renderMarkdown('<details><summary>Badge</summary>\n\n```markdown\n[![x](u.svg)](u)\n```\n\n</details>');
    expect(html).toContain('<details><summary>Badge</summary>');
    expect(html).toContain('</details>');
    expect(html).toContain('<pre><code class="language-markdown">[![x](u.svg)](u)\n</code></pre>');
  });

  test('any other HTML shows as text, never as markup', () => {
    for (const evil of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<details open onclick="x">', '<b style="color:red">x</b>', '<a href="javascript:x">y</a>']) {
      const html = renderMarkdown(evil);
      expect(html).not.toMatch(/<(script|img|a)\b/i);
      expect(html).not.toMatch(/<[a-z]+\s[^>]*=/i); // no tag with an attribute
      expect(html).toContain('&lt;');
    }
    expect(renderMarkdown('[x](javascript:alert(1))')).toBe('<p><a href="">x</a></p>');
  });

  test('an HTML comment inside code stays visible, as on GitHub', () => {
    expect(renderMarkdown('`<!-- gitdone:x -->`')).toBe('<p><code>&lt;!-- gitdone:x --&gt;</code></p>');
  });

  test('GFM: tables and autolinks', () => {
    expect(renderMarkdown('| a |\n|---|\n| 1 |')).toContain('<td>1</td>');
    expect(renderMarkdown('see http://localhost:3000/embed/abc')).toContain('<a href="http://localhost:3000/embed/abc">');
  });
});
