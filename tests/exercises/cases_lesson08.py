"""Exercise cases for lesson 08 (stop)."""

from __future__ import annotations

from helpers.fake_client import completion


def _apply_stop(text, stops):
    stops = [stops] if isinstance(stops, str) else stops
    found = [i for i in (text.find(s) for s in stops) if i >= 0]
    return text[:min(found)] if found else text


def _first_in_list(text, stops):
    for s in [stops] if isinstance(stops, str) else stops:
        if s in text:
            return text[:text.find(s)]
    return text


def _keeps_stop_text(text, stops):
    stops = [stops] if isinstance(stops, str) else stops
    found = [(i, s) for i, s in ((text.find(s), s) for s in stops) if i >= 0]
    return text[:min(found)[0] + len(min(found)[1])] if found else text


def _forgets_no_match(text, stops):
    stops = [stops] if isinstance(stops, str) else stops
    return text[:min(text.find(s) for s in stops)]


CASES = {
    "08.1": (completion(["1. Apple\n2. Banana\n3. Cherry"]),
             [completion(["1. Apple\n2. Banana\n3. Cherry\n4. Date"]),
              completion(["1. Apple\n2. Banana\n3. Cherry"], finish="length"),
              "1. Apple\n2. Banana\n3. Cherry"]),
    "08.2": (lambda r: {"length": "length", "stop": "stop"}.get(r.choices[0].finish_reason, "other"),
             [lambda r: "stop" if (r.choices[0].message.content or "").endswith(".") else "length",
              lambda r: r.choices[0].finish_reason,
              lambda r: "length" if r.choices[0].finish_reason == "stop" else "stop"]),
    "08.3": (_apply_stop, [_first_in_list, _keeps_stop_text, _forgets_no_match]),
}
