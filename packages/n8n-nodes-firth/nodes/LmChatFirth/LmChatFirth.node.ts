/**
 * Firth Chat Model: an AI sub-node (`ai_languageModel`) that gives n8n's own chains and agents
 * (Basic LLM Chain, AI Agent, …) a chat model — Firth's in-process TinyStories model (offline, no
 * key), Groq, Ollama, any OpenAI-compatible server such as the Firth server, or the user's own GGUF
 * model file run by llama.cpp in n8n's process — with the LLM playground's parameters (course: "groq Playground", "Local LLM i.e. Ollama").
 *
 * Thin adapter: @firth/llm's createChatModel builds the LangChain chat model (and checks every
 * parameter); this node reads the parameters and credentials, and records each call as a run.
 */
import { createChatModel } from '@firth/llm';
import {
  type INodeType,
  type INodeTypeDescription,
  type ISupplyDataFunctions,
  NodeConnectionTypes,
  type SupplyData,
} from 'n8n-workflow';
import {
  llmCredentials,
  llmError,
  playgroundOptions,
  providerProperties,
  readChatConfig,
  traceModelCalls,
} from '../shared/llm';
import { traceOf } from '../shared/sub-node-run';

export class LmChatFirth implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Firth Chat Model',
    name: 'lmChatFirth',
    icon: { light: 'file:lmChatFirth.svg', dark: 'file:lmChatFirth.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["provider"] + ($parameter["model"] ? ": " + $parameter["model"] : "") }}',
    description:
      'Chat model for n8n chains and agents: local Firth model, Groq, Ollama, OpenAI-compatible or a GGUF file (llama.cpp). Lesson: Introduction to Large Language Models',
    defaults: { name: 'Firth Chat Model' },
    inputs: [],
    outputs: [NodeConnectionTypes.AiLanguageModel],
    outputNames: ['Model'],
    credentials: llmCredentials,
    properties: [...providerProperties, playgroundOptions(true)],
  };

  async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
    const node = this.getNode();
    let secrets: string[] = [];
    try {
      const resolved = await readChatConfig(this, itemIndex);
      secrets = resolved.secrets;
      // The user chose this path (Use the Firth Local Server Without a Key): not worth a line in
      // n8n's log on every call; visible with N8N_LOG_LEVEL=debug.
      if (resolved.fallback) this.logger.debug(resolved.fallback);
      const model = createChatModel(resolved.config);
      const fail = (error: unknown) => llmError(node, error, itemIndex, secrets, resolved.localServerUrl);
      return {
        response: traceOf(this) ? traceModelCalls(model, this, fail) : model,
      };
    } catch (error) {
      throw llmError(node, error, itemIndex, secrets);
    }
  }
}
