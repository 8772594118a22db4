/**
 * Every tool an agent over Firth gets: @firth/langchain's `firthTools()`, the prompt-template and
 * tokenizer-playground tools, and the course-notes tools.
 */
import { type FirthToolsOptions, firthTools } from '@firth/langchain';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { type CourseToolsOptions, createCourseNotesTool, createReadNoteTool } from './course-tools.js';
import { promptTemplateTool, tokenizerPlaygroundTool } from './llm-tools.js';

export interface AgentToolsOptions extends FirthToolsOptions, CourseToolsOptions {}

/** All of Firth's tools, a fresh list (course tools over `dir`, word-vector tools over `vectors`). */
export function agentTools(options: AgentToolsOptions = {}): StructuredToolInterface[] {
  return [
    ...firthTools(options.vectors ? { vectors: options.vectors } : {}),
    promptTemplateTool,
    tokenizerPlaygroundTool,
    createCourseNotesTool(options),
    createReadNoteTool(options),
  ];
}
