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
 *
 * Limits, each a FormatError naming the file: at most `maxBytes` (10 MB) of PDF, `maxPages` (1000)
 * pages, MAX_TEXT_LENGTH characters of text, and `maxDecodedBytes` (128 MiB) of zlib-compressed
 * stream data once inflated. pdf.js runs in this thread and has no limits of its own: what it was
 * measured to do with hostile files (unpdf 1.8.1) —
 *   - /Count 1000000000 in the page tree: pdf.js counts the real pages (1), no loop;
 *   - 100 000 nested arrays: refused at once (InvalidPDFException); a /Kids cycle: refused at once;
 *   - 300 000 text operators on a page (2.4 MB): read in ~0.4 s, linear;
 *   - a 389 KB FlateDecode stream inflating to 400 MB: pdf.js took 4.3 s and 1 GB of memory, so a
 *     10 MB file could take 10 GB. Hence the inflate check below, with zlib's own output limit,
 *     before pdf.js sees the file. It covers every stream whose data starts a zlib stream (Flate,
 *     any /Filter spelling or indirect reference, and Flate inside Flate). It does NOT cover other
 *     expanding filters (LZWDecode, RunLengthDecode), Flate behind ASCIIHex/ASCII85, or streams
 *     encrypted with an empty user password: those can still make pdf.js spend CPU and memory in
 *     proportion to what they expand to — pdf.js cannot be interrupted in-process.
 */
import { inflateSync, constants as zlib } from 'node:zlib';
import { FormatError, MAX_TEXT_LENGTH, ValidationError } from '@firth/numeric';
import { Document } from '@langchain/core/documents';
import type { SourceMetadata } from './loaders.js';

/** Most pages read from one PDF. */
export const MAX_PDF_PAGES = 1000;
/** Largest PDF read, in bytes. */
export const MAX_PDF_BYTES = 10_000_000;
/** Most bytes the zlib streams of one PDF may inflate to, all together: 128 MiB. */
export const MAX_PDF_DECODED_BYTES = 128 * 1024 * 1024;

export interface PdfOptions {
  /** Largest PDF read, in bytes. @default MAX_PDF_BYTES (10 MB) */
  maxBytes?: number;
  /** Most pages; a PDF with more is refused before any page is read. @default MAX_PDF_PAGES (1000) */
  maxPages?: number;
  /** Most bytes its zlib streams may inflate to, together. @default MAX_PDF_DECODED_BYTES (128 MiB) */
  maxDecodedBytes?: number;
}

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

/** pdf.js's exceptions (InvalidPDFException, PasswordException, …) as FormatErrors naming the file. */
function describe(error: unknown, source: string): FormatError {
  if (error instanceof FormatError) return error;
  const { name, message } = (error ?? {}) as Error;
  if (name === 'PasswordException')
    return new FormatError(source, '', 'the PDF is encrypted (password-protected); decrypt it first');
  if (name === 'InvalidPDFException')
    return new FormatError(source, '', `not a valid PDF, or truncated (${message})`);
  return new FormatError(source, '', `cannot read the PDF (${name}: ${message})`);
}

/** The exception classes of pdf.js (its BaseException subclasses in unpdf 1.8.1), by name. */
const PDFJS_EXCEPTIONS = new Set([
  'AbortException',
  'DNLMarkerError',
  'EOIMarkerError',
  'FormatError',
  'InvalidPDFException',
  'Jbig2Error',
  'JpegError',
  'JpxError',
  'MissingDataException',
  'ParserEOFException',
  'PasswordException',
  'RenderingCancelledException',
  'ResponseException',
  'UnknownErrorException',
  'XRefEntryException',
  'XRefParseException',
]);
let reading = 0;

/** An unhandled rejection while a PDF is read: pdf.js's own are absorbed; any other goes on as Node's default would. */
function absorbPdfJs(reason: unknown): void {
  const name = (reason as Error | null)?.name;
  if (PDFJS_EXCEPTIONS.has(name ?? '') && !(reason instanceof ValidationError)) return;
  // this listener alone: what Node does without one (the application's own listeners, if any, decide)
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

/**
 * Runs `read` with pdf.js's stray rejections absorbed. pdf.js (5.x, in unpdf 1.8.1) prefetches the
 * kids of the top-level page tree and never awaits a fetch the page it looked for did not need; on
 * a damaged cross-reference table that promise rejects with no handler — which ends a Node process
 * (found by the pdf fuzz suite: "XRefEntryException: Bad (uncompressed) XRef entry: 7R"). So while
 * a PDF is read, and one macrotask after (when Node reports rejections), such rejections are dropped.
 */
async function guardPdfJs<T>(read: () => Promise<T>): Promise<T> {
  if (reading++ === 0) process.on('unhandledRejection', absorbPdfJs);
  try {
    return await read();
  } finally {
    await new Promise((resolve) => setImmediate(resolve));
    if (--reading === 0) process.off('unhandledRejection', absorbPdfJs);
  }
}

/** Does `b` start a zlib stream? CM = 8 (deflate), window ≤ 32 KiB, and (CMF·256 + FLG) mod 31 = 0. */
const zlibHeader = (b: Uint8Array) =>
  b.length >= 2 && (b[0]! & 0x0f) === 8 && b[0]! >> 4 <= 7 && ((b[0]! << 8) | b[1]!) % 31 === 0;

/**
 * Inflates every stream whose data starts a zlib stream — from the `stream` keyword to wherever
 * zlib says the stream ends, so neither /Length nor a stray "endstream" inside the data misleads
 * it — and again while what comes out starts one (Flate inside Flate). zlib's maxOutputLength stops
 * each inflate at the budget left, so the check itself costs at most `max` bytes of output.
 */
function checkInflatedSize(bytes: Uint8Array, source: string, max: number): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let total = 0;
  for (const m of text.matchAll(/(?<!end)stream(?:\r\n|\n|\r)/g)) {
    let data: Uint8Array = bytes.subarray(m.index + m[0].length);
    while (zlibHeader(data)) {
      try {
        // Z_SYNC_FLUSH: a stream cut short gives what it holds, as pdf.js reads it
        data = inflateSync(data, { maxOutputLength: max - total + 1, finishFlush: zlib.Z_SYNC_FLUSH });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw new FormatError(
            source,
            `stream at byte ${m.index}`,
            `inflates past ${max} bytes, the PDF's limit for all its streams (a decompression bomb?); pass a larger maxDecodedBytes to read it`,
          );
        break; // not zlib after all: pdf.js decides what it is
      }
      total += data.length;
    }
  }
}

/**
 * One Document per page with text, `metadata` `{ source, page, pages }`. Throws a FormatError,
 * naming `source`, on bytes that are not a PDF (no `%PDF-` header in the first 1 KiB), a truncated
 * or corrupt file, an encrypted one, one over the limits of `options`, and a PDF with no text at
 * all. `bytes` is copied, never detached.
 */
export async function loadPdf(
  bytes: Uint8Array,
  source = 'pdf',
  options: PdfOptions = {},
): Promise<Document<PdfMetadata>[]> {
  const fail = (problem: string) => new FormatError(source, '', problem);
  if (!(bytes instanceof Uint8Array)) throw fail('must be given as bytes (a Uint8Array)');
  const maxBytes = options.maxBytes ?? MAX_PDF_BYTES;
  const maxPages = options.maxPages ?? MAX_PDF_PAGES;
  if (bytes.byteLength > maxBytes)
    throw fail(`is ${bytes.byteLength} bytes, over maxBytes ${maxBytes}; pass a larger maxBytes to read it`);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (!head.includes('%PDF-')) throw fail('not a PDF (no %PDF- header)');
  checkInflatedSize(bytes, source, options.maxDecodedBytes ?? MAX_PDF_DECODED_BYTES);
  // lazy: the 1.7 MB pdf.js bundle is read only when a PDF is
  const { getDocumentProxy } = await import('unpdf');
  return guardPdfJs(async () => {
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
      // /Count 0 or −1 in the page tree: pdf.js reports it as it is
      if (!(pages >= 1)) throw fail(`has no pages (its page tree counts ${pages})`);
      if (pages > maxPages)
        throw fail(`has ${pages} pages, over maxPages ${maxPages}; pass a larger maxPages to read it`);
      const docs: Document<PdfMetadata>[] = [];
      let length = 0;
      for (let page = 1; page <= pages; page++) {
        const content = await (await pdf.getPage(page)).getTextContent();
        const text = joinTextItems(content.items.flatMap((i) => ('str' in i ? [i] : []))); // not marked content
        length += text.length;
        if (length > MAX_TEXT_LENGTH)
          throw fail(
            `holds over ${MAX_TEXT_LENGTH} characters of text by page ${page} (MAX_TEXT_LENGTH); split it into smaller PDFs`,
          );
        if (text !== '') docs.push(new Document({ pageContent: text, metadata: { source, page, pages } }));
      }
      if (docs.length === 0)
        throw fail(
          `no text in its ${pages} page${pages === 1 ? '' : 's'} (scanned images need OCR, which is not supported)`,
        );
      return docs;
    } catch (error) {
      throw describe(error, source);
    } finally {
      await pdf.loadingTask.destroy();
    }
  });
}
