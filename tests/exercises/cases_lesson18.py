"""Exercise cases for lesson 18: (reference answer, three wrong answers)."""


def few_shot(system, examples, question):
    messages = [{"role": "system", "content": system}]
    for text, label in examples:
        messages += [{"role": "user", "content": text}, {"role": "assistant", "content": label}]
    return messages + [{"role": "user", "content": question}]


def one_big_string(system, examples, question):
    shots = "\n".join(f"{text} -> {label}" for text, label in examples)
    return [{"role": "system", "content": system}, {"role": "user", "content": f"{shots}\n{question} ->"}]


def question_first(system, examples, question):
    return few_shot(system, [], question) + few_shot(system, examples, question)[1:-1]


def all_user(system, examples, question):
    messages = [{"role": "system", "content": system}]
    for text, label in examples:
        messages += [{"role": "user", "content": text}, {"role": "user", "content": label}]
    return messages + [{"role": "user", "content": question}]


def is_three_bullets(text):
    lines = text.strip().splitlines()
    return len(lines) == 3 and all(line.startswith("- ") and line[2:].strip() for line in lines)


def title_chain(client, model, text):
    keywords = client.chat.completions.create(model=model, max_completion_tokens=20, temperature=0, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"List three keywords from this text, separated by commas.\n\nText: {text}"}],
    ).choices[0].message.content
    return client.chat.completions.create(model=model, max_completion_tokens=15, temperature=0, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"Write a short title using these keywords: {keywords}"}],
    ).choices[0].message.content


def one_call(client, model, text):
    return client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"Write a short title for: {text}"}]).choices[0].message.content


def chain_without_feeding(client, model, text):
    client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"List three keywords: {text}"}])
    return client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"Write a short title for: {text}"}]).choices[0].message.content


def returns_keywords(client, model, text):
    first = client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"List three keywords: {text}"}]).choices[0].message.content
    client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"Title from: {first}"}])
    return first


CASES = {
    "18.1": (few_shot, [one_big_string, question_first, all_user]),
    "18.2": (is_three_bullets, [lambda t: t.count("- ") == 3, lambda t: len(t.splitlines()) == 3,
                                lambda t: all(x.startswith("- ") for x in t.splitlines())]),
    "18.3": (title_chain, [one_call, chain_without_feeding, returns_keywords]),
}
