"""Exercise cases for lesson 17: (reference answer, three wrong answers)."""

import openai


def client_for(endpoint, api_key):
    if endpoint.get("base_url") is None:
        raise ValueError(f"No documented base URL for {endpoint['name']}: look it up in its docs.")
    return openai.OpenAI(base_url=endpoint["base_url"], api_key=api_key)


def honours_limit(c, model):
    reply = c.chat.completions.create(model=model, messages=[{"role": "user", "content": "Hi"}],
                                      max_completion_tokens=3)
    return reply.usage.completion_tokens <= 3


CASES = {
    "17.1": (client_for, [
        lambda e, k: openai.OpenAI(base_url=e["base_url"], api_key=k),          # None falls back to OpenAI
        lambda e, k: openai.OpenAI(api_key=k),                                  # ignores base_url
        lambda e, k: openai.OpenAI(base_url="https://openrouter.ai/api/v1", api_key=k),
    ]),
    "17.2": (honours_limit, [
        lambda c, m: True,
        lambda c, m: c.chat.completions.create(model=m, messages=[],
                                               max_completion_tokens=3).choices[0].finish_reason == "length",
        lambda c, m: len(c.chat.completions.create(model=m, messages=[]).choices[0].message.content) < 20,
    ]),
}
