import { renderInlineMarkdown, renderMarkdown } from './markdown';

describe('Markdown rendering', () => {
  it('renders emphasis, code and lists', () => {
    const html = renderMarkdown('You have **20 minutes**.\n\n- `as const`\n- tuples');

    expect(html).toContain('<strong>20 minutes</strong>');
    expect(html).toContain('<li><code>as const</code></li>');
  });

  it('shows raw HTML as text instead of rendering it', () => {
    const html = renderMarkdown(
      'Hello <img src=x onerror="alert(1)"> world\n\n<script>alert(2)</script>',
    );

    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('&lt;script&gt;');
  });

  it('renders a choice inline, without a paragraph around it', () => {
    expect(renderInlineMarkdown('`number`')).toBe('<code>number</code>');
  });
});
