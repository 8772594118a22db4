/**
 * The course notes as two tools for an agent (lesson "RAG and agents"):
 *   - `course_notes`: "what does the course say about X?" — retrieval over docs/concepts (BM25),
 *     an extractive answer copied from the notes, each sentence citing its passage [n], and the
 *     passages as numbered sources (file and section). The model reads prose — the answer, then
 *     "Sources:" lines — and the structured result rides along as the tool message's artifact;
 *   - `read_note`: one file of the knowledge base by name — the "file tool". Confined to the notes
 *     folder: relative names only, no `..`, no absolute paths (checked by the schema, before any
 *     work), and @firth/rag's FileLoader refuses symlinks that lead out of the folder.
 *
 *   await courseNotesTool.invoke({ question: 'What is BERT?' })
 *   // 'BERT (Bidirectional …) is an encoder-only transformer, … [2] … [3]\n\nSources:\n- [2] bert.md — BERT > What it is\n…'
 *   (await courseNotesTool.invoke({ type: 'tool_call', id: '1', name: 'course_notes', args: { question: 'What is BERT?' } })).artifact
 *   // { question: 'What is BERT?', answer: 'BERT (…) is … [2] …', sources: [{ n: 2, source: 'bert.md', section: 'BERT > What it is' }, …] }
 */
import { answerWithSources, askCourseNotes, courseNotesDir, FileLoader, type RagSource } from '@firth/rag';
import { type StructuredToolInterface, tool } from '@langchain/core/tools';
import { z } from 'zod/v3';

export interface CourseToolsOptions {
  /** The knowledge base folder. @default docs/concepts (or FIRTH_COURSE_NOTES_DIR), as @firth/rag */
  dir?: string;
}

export const courseNotesSchema = z.object({
  question: z.string().min(3).max(1000).describe('The question about the course, e.g. "What is attention?"'),
});

/** The structured result of `course_notes`: the tool message's artifact. */
export interface CourseNotesResult {
  question: string;
  answer: string;
  sources: RagSource[];
}

/** `course_notes` over the notes in `dir`: prose with numbered sources for the model, the fields as artifact. */
export function createCourseNotesTool(options: CourseToolsOptions = {}): StructuredToolInterface {
  return tool(
    async ({ question }): Promise<[string, CourseNotesResult]> => {
      const { answer, sources } = await askCourseNotes(question, options.dir ? { dir: options.dir } : {});
      return [answerWithSources({ answer, sources }), { question, answer, sources }];
    },
    {
      name: 'course_notes',
      description:
        'Answer what the course says about a topic or concept (attention, transformers, BERT, GPT, word2vec, GloVe, embeddings, perceptron, MLP, activations, RAG, agents) from the course notes, with numbered sources.',
      schema: courseNotesSchema,
      responseFormat: 'content_and_artifact',
    },
  );
}

export const readNoteSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .refine((n) => !n.startsWith('/') && !n.startsWith('\\') && !/^[a-zA-Z]:/.test(n), {
      message: 'must be a file name inside the notes folder, not an absolute path',
    })
    .refine((n) => !n.split(/[\\/]/).includes('..'), {
      message: 'must not contain ".." (no leaving the notes folder)',
    })
    .refine((n) => !n.includes('\0'), { message: 'must not contain NUL' })
    .describe('The note file name, e.g. "attention.md"'),
});

/** `read_note`: the text of one note of the folder `dir` (and nothing outside it). */
export function createReadNoteTool(options: CourseToolsOptions = {}): StructuredToolInterface {
  return tool(
    async ({ name }) => {
      // FileLoader resolves real paths and refuses anything outside its root (symlinks included)
      const docs = await new FileLoader({ root: courseNotesDir(options.dir) }).load(name);
      return JSON.stringify({ name, text: docs.map((d) => d.pageContent).join('\n\n') });
    },
    {
      name: 'read_note',
      description:
        'Read one file of the notes knowledge base by its file name, e.g. "attention.md"; returns its text.',
      schema: readNoteSchema,
    },
  );
}

/** The tools over the shipped notes. */
export const courseNotesTool = createCourseNotesTool();
export const readNoteTool = createReadNoteTool();
