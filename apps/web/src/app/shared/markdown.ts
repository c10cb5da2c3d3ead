import { Pipe, type PipeTransform } from '@angular/core';
import { Marked } from 'marked';

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character] ?? character);
}

/**
 * Markdown as authors write it, without raw HTML: an HTML block or tag is shown as text. The result
 * is bound with `[innerHTML]`, so Angular's sanitizer still removes anything unsafe that Markdown
 * itself can produce (a `javascript:` link, say).
 */
const markdown = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

/** Renders Markdown (block level: paragraphs, lists, code blocks) to HTML for `[innerHTML]`. */
export function renderMarkdown(source: string): string {
  return markdown.parse(source, { async: false });
}

/** Renders one line of Markdown (emphasis, code, links) without a surrounding paragraph. */
export function renderInlineMarkdown(source: string): string {
  return markdown.parseInline(source, { async: false });
}

/** `[innerHTML]="text | markdown"`, or `| markdown: 'inline'` for a choice or a title. */
@Pipe({ name: 'markdown' })
export class MarkdownPipe implements PipeTransform {
  transform(source: string | null | undefined, mode: 'block' | 'inline' = 'block'): string {
    if (!source) return '';
    return mode === 'inline' ? renderInlineMarkdown(source) : renderMarkdown(source);
  }
}
