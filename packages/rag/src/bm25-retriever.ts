/**
 * `BM25Retriever` — BM25 (bm25.ts) as a LangChain retriever, so keyword search plugs into chains,
 * agents and n8n's retriever sockets like any vector-store retriever.
 *
 * What BM25 scores need not be the Document's text alone: `indexText` can add the section heading
 * path (a page's title is a heading, not part of its section's text), which is how the course-notes
 * index (course-notes.ts) finds "What is BERT?" in the section "BERT > What it is".
 *
 *   const retriever = BM25Retriever.fromDocuments(docs, { k: 3 });
 *   await retriever.invoke('skip-gram') // [Document { metadata: { source: 'word2vec.md', bm25Score: 7.1, … } }, …]
 */

import { ValidationError } from '@firth/numeric';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { BM25, type BM25Options } from './bm25.js';

export interface BM25RetrieverInput extends BaseRetrieverInput, BM25Options {
  /** Documents returned. @default 4 */
  k?: number;
  /** The text BM25 indexes for a Document. @default its pageContent */
  indexText?: (doc: DocumentInterface) => string;
}

export class BM25Retriever extends BaseRetriever {
  override lc_namespace = ['firth', 'rag', 'retrievers'];
  static override lc_name() {
    return 'BM25Retriever';
  }

  k: number;
  readonly bm25: BM25;
  readonly documents: DocumentInterface[];

  constructor(documents: DocumentInterface[], fields: BM25RetrieverInput = {}) {
    super(fields);
    this.k = fields.k ?? 4;
    if (!Number.isInteger(this.k) || this.k < 1)
      throw new ValidationError(`k must be a positive integer, got ${fields.k}`);
    const indexText = fields.indexText ?? ((d: DocumentInterface) => d.pageContent);
    this.documents = documents;
    this.bm25 = new BM25(fields).fit(documents.map(indexText));
  }

  static fromDocuments(documents: DocumentInterface[], fields: BM25RetrieverInput = {}): BM25Retriever {
    return new BM25Retriever(documents, fields);
  }

  /** Best first; `metadata.bm25Score` is the score. No shared word → []. */
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return this.search(query, this.k);
  }

  /** Synchronous search, for callers that are not LangChain runnables. */
  search(query: string, k = this.k): Document[] {
    return this.bm25.search(query, k).map(({ index, score }) => {
      const doc = this.documents[index]!;
      return new Document({
        pageContent: doc.pageContent,
        metadata: { ...doc.metadata, bm25Score: score },
        id: doc.id,
      });
    });
  }
}
