"""Exercise cases for lesson 19: (reference answer, three wrong answers)."""

from helpers.use_cases import outline_format


def to_language(client, model, text, language):
    response = client.chat.completions.create(
        model=model, temperature=0, max_completion_tokens=200,
        messages=[{"role": "system",
                   "content": f"Translate the user's text into {language}. Reply with the translation only."},
                  {"role": "user", "content": text}])
    return response.choices[0].message.content


def warm(client, model, text, language):
    response = client.chat.completions.create(
        model=model, max_completion_tokens=200,
        messages=[{"role": "system", "content": f"Translate into {language}."}, {"role": "user", "content": text}])
    return response.choices[0].message.content


def no_system(client, model, text, language):
    response = client.chat.completions.create(
        model=model, temperature=0, max_completion_tokens=200,
        messages=[{"role": "user", "content": f"Translate into {language}: {text}"}])
    return response.choices[0].message.content


def quiz_format(n):
    item = {"type": "object", "additionalProperties": False, "required": ["question", "answer"],
            "properties": {"question": {"type": "string"}, "answer": {"type": "string"}}}
    schema = {"type": "object", "additionalProperties": False, "required": ["questions"],
              "properties": {"questions": {"type": "array", "items": item, "minItems": n, "maxItems": n}}}
    return {"type": "json_schema", "json_schema": {"name": "quiz", "strict": True, "schema": schema}}


def unbounded(n):
    fmt = quiz_format(n)
    del fmt["json_schema"]["schema"]["properties"]["questions"]["maxItems"]
    return fmt


def loose(n):
    fmt = quiz_format(n)
    fmt["json_schema"]["schema"]["properties"]["questions"]["items"]["additionalProperties"] = True
    return fmt


CASES = {
    "19.1": (to_language, [warm, no_system, lambda c, m, t, lang: t]),
    "19.2": (quiz_format, [unbounded, loose, outline_format]),
}
