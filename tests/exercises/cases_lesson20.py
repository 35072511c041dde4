"""Exercise cases for lesson 20: (reference answer, three wrong answers)."""


def late_fee(days_late: int) -> str:
    """The late fee for a book returned some days late.

    Args:
        days_late: how many days after the due date the book came back.
    """
    return f"{min(days_late * 0.25, 5.0):.2f} EUR"


def uncapped(days_late: int) -> str:
    """The late fee.

    Args:
        days_late: days late.
    """
    return f"{days_late * 0.25:.2f} EUR"


def untyped(days_late):
    """The late fee."""
    return f"{min(days_late * 0.25, 5.0):.2f} EUR"


def undocumented(days_late: int) -> str:
    return f"{min(days_late * 0.25, 5.0):.2f} EUR"


def as_markdown(messages):
    lines = []
    for m in messages:
        if m["role"] == "system":
            continue
        if m.get("tool_calls"):
            lines += [f"tool: {c['function']['name']}({c['function']['arguments']})" for c in m["tool_calls"]]
        else:
            lines.append(f"**{m['role']}**: {m['content']}")
    return "\n".join(lines)


def with_system(messages):
    return "\n".join(f"**{m['role']}**: {m.get('content')}" for m in messages)


def none_for_tools(messages):
    return "\n".join(f"**{m['role']}**: {m.get('content')}" for m in messages if m["role"] != "system")


CASES = {
    "20.1": (late_fee, [uncapped, untyped, undocumented]),
    "20.2": (as_markdown, [with_system, none_for_tools, lambda messages: messages]),
}
