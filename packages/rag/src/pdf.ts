/**
 * PDF loader (issue 7, "RAG and agents"): the text layer of a PDF, one LangChain `Document` per
 * page, through `unpdf` (Mozilla's pdf.js, its serverless build; see the README, "Loaders").
 *
 *   await loadPdf(readFileSync('fixtures/transformers.pdf'), 'transformers.pdf')
 *   // [Document { pageContent: 'Transformers, a short reader\nThree pages …', metadata: { source: 'transformers.pdf', page: 1, pages: 3 } },
 *   //  Document { pageContent: 'Attention lets …\n\nBERT is …', metadata: { …, page: 2, pages: 3 } }, …]
 *
 * Text is what pdf.js reads from the page's text operators, in content-stream order: a new line
 * where the text moves to another baseline, a blank line (a paragraph break) where it moves down by
 * more than 1.5 × the font size. Pages with no text (a scanned image, a blank page) give no Document
 * — `metadata.page` keeps the real page numbers — and a PDF with no text on any page is an error, as
 * an empty text file is. Left out: OCR of scanned pages, passwords (an encrypted PDF is refused),
 * reading order of multi-column layouts, tables, images.
 */
import { Document } from '@langchain/core/documents';
import type { SourceMetadata } from './loaders.js';

/** Metadata of a PDF page's Document. */
export interface PdfMetadata extends SourceMetadata {
  /** Page number, 1-based. */
  page: number;
  /** Pages in the file. */
  pages: number;
}

/** A pdf.js text item: the string and its position (transform[5] is the baseline's y, upwards). */
export interface PdfTextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
}

/** Page text from pdf.js items: lines by baseline, a blank line for a gap over 1.5 × font size. */
export function joinTextItems(items: PdfTextItem[]): string {
  let text = '';
  let last: PdfTextItem | undefined;
  for (const item of items) {
    if (last) {
      const size = Math.hypot(last.transform[2]!, last.transform[3]!) || 12; // font size, as unpdf
      const gap = last.transform[5]! - item.transform[5]!;
      if (gap > 1.5 * size) text += '\n\n';
      else if (Math.abs(gap) > size / 2 || last.hasEOL) text += '\n';
    }
    text += item.str;
    if (item.str !== '' || item.hasEOL) last = item;
  }
  return text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** pdf.js's exceptions (InvalidPDFException, PasswordException, …) as messages naming the file. */
function describe(error: unknown, source: string): Error {
  const { name, message } = error as Error;
  if (name === 'PasswordException')
    return new Error(`${source}: the PDF is encrypted (password-protected); decrypt it first`);
  if (name === 'InvalidPDFException')
    return new Error(`${source}: not a valid PDF, or truncated (${message})`);
  return new Error(`${source}: cannot read the PDF (${name}: ${message})`);
}

/**
 * One Document per page with text, `metadata` `{ source, page, pages }`. Throws, naming `source`,
 * on bytes that are not a PDF (no `%PDF-` header in the first 1 KiB), a truncated or corrupt file,
 * an encrypted one, and a PDF with no text at all. `bytes` is copied, never detached.
 */
export async function loadPdf(bytes: Uint8Array, source = 'pdf'): Promise<Document<PdfMetadata>[]> {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (!head.includes('%PDF-')) throw new Error(`${source}: not a PDF (no %PDF- header)`);
  // lazy: the 1.7 MB pdf.js bundle is read only when a PDF is
  const { getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // verbosity 0: errors only (pdf.js otherwise warns on stdout while it repairs a broken file)
    // a plain Uint8Array copy: pdf.js refuses a Buffer, and may detach what it is given
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw describe(error, source);
  }
  try {
    const pages = pdf.numPages;
    const docs: Document<PdfMetadata>[] = [];
    for (let page = 1; page <= pages; page++) {
      const content = await (await pdf.getPage(page)).getTextContent();
      const text = joinTextItems(content.items.flatMap((i) => ('str' in i ? [i] : []))); // not marked content
      if (text !== '') docs.push(new Document({ pageContent: text, metadata: { source, page, pages } }));
    }
    if (docs.length === 0)
      throw new Error(
        `${source}: no text in its ${pages} page${pages === 1 ? '' : 's'} (scanned images need OCR, which is not supported)`,
      );
    return docs;
  } catch (error) {
    throw (error as Error).message?.startsWith(`${source}: `) ? error : describe(error, source);
  } finally {
    await pdf.loadingTask.destroy();
  }
}
