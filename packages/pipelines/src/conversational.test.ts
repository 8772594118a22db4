import { generate, loadLlama2c, loadLlama2cTokenizer } from '@firth/transformers';
import { describe, expect, it } from 'vitest';
import { Conversation } from './conversational.js';
import { pipeline } from './pipeline.js';

describe('conversational (default: the TinyStories model, the last user message continued)', () => {
  it("takes Hugging Face's Conversation or messages and gives the conversation back with the assistant's reply", async () => {
    const chat = await pipeline('conversational');
    expect(chat.task).toBe('conversational');
    expect(chat.model).toMatchObject({ id: 'tinyllamas-stories260K', isDefault: true });
    expect(chat.model.quality).toMatch(/cannot: follow instructions/);
    const messages = [
      { role: 'system' as const, content: 'You tell stories.' },
      { role: 'user' as const, content: 'Once upon a time, a little cat' },
    ];
    const out = await chat(messages, { max_new_tokens: 15 });
    expect(out).toBeInstanceOf(Conversation);
    expect(out.messages.slice(0, 2)).toEqual(messages);
    expect(out.messages).toHaveLength(3);
    const last = out.messages[2]!;
    expect(last.role).toBe('assistant');
    // the reply is the model's greedy continuation of the last user message
    const core = await generate(await loadLlama2c(), await loadLlama2cTokenizer(), messages[1]!.content, {
      maxNewTokens: 15,
      temperature: 0,
    });
    expect(last.content).toBe(core.text.trim());
    expect(last.content.length).toBeGreaterThan(0);
    expect(out.generated_responses).toEqual([last.content]);
    expect(out.past_user_inputs).toEqual(['Once upon a time, a little cat']);
    expect(out.new_user_input).toBeUndefined();
    // the input is not changed; a Conversation keeps its uuid; a string is one user message
    expect(messages).toHaveLength(2);
    const c = new Conversation('Lily had a red ball');
    const again = await chat(c, { max_new_tokens: 8 });
    expect(again.uuid).toBe(c.uuid);
    expect(c.messages).toHaveLength(1);
    expect((await chat('Lily had a red ball', { max_new_tokens: 8 })).messages).toEqual(again.messages);
    // a next turn: the user's new message is answered
    again.addMessage({ role: 'user', content: 'Then Ben came' });
    expect(again.new_user_input).toBe('Then Ben came');
    const turn2 = await chat(again, { max_new_tokens: 8 });
    expect(turn2.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('takes a batch and generation options (sampling seeded)', async () => {
    const chat = await pipeline('conversational');
    const batch = await chat(
      [[{ role: 'user', content: 'Tom saw a dog' }], new Conversation('Sue found a box')],
      {
        max_new_tokens: 6,
      },
    );
    expect(batch).toHaveLength(2);
    for (const c of batch) expect(c.messages.at(-1)!.role).toBe('assistant');
    const options = { max_new_tokens: 12, do_sample: true, temperature: 0.9, top_p: 0.9, seed: 3 };
    const a = await chat('Once upon a time', options);
    const b = await chat('Once upon a time', options);
    expect(a.messages).toEqual(b.messages);
  });

  it('refuses bad input with a ValidationError naming what is wrong', async () => {
    const chat = await pipeline('conversational');
    await expect(chat([{ role: 'robot' as 'user', content: 'hi' }])).rejects.toThrow(
      /messages\[0\]\.role must be 'system', 'user' or 'assistant'/,
    );
    await expect(chat([{ role: 'assistant', content: 'Hello.' }])).rejects.toThrow(
      /must end with a non-empty user message/,
    );
    await expect(chat(42 as unknown as string)).rejects.toMatchObject({ path: 'input' });
    await expect(chat('hi', { max_new_tokens: 0 })).rejects.toMatchObject({ path: 'max_new_tokens' });
    await expect(pipeline('conversational', '/some/llama')).rejects.toThrow(
      /cannot read \/some\/llama\/config\.json: ENOENT/,
    );
  });
});
