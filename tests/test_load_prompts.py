"""The load tester's prompt corpus: forms, templating, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrt.errors import UsageError
from agentrt.load.prompts import Corpus, Prompt


def test_single_prompt_with_builtin_placeholders() -> None:
    corpus = Corpus.from_prompt("Request {{request_number}} says hi {x}")
    assert corpus.render(7) == Prompt(messages=(("user", "Request 7 says hi {x}"),))
    assert len(corpus.render(0).messages[0][1]) > 0


def test_corpus_forms_round_robin_and_variables(tmp_path: Path) -> None:
    path = tmp_path / "prompts.jsonl"
    path.write_text(
        '"Plain text prompt"\n'
        "\n# a comment\n"
        '{"prompt": "Tell me about {{city}} in {{ year }}.", "city": "Lisbon", "year": 1755,'
        ' "system": "Be brief.", "max_tokens": 32}\n'
        '{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "{{uuid}}"}]}\n'
    )
    corpus = Corpus.from_file(path)
    assert len(corpus) == 3
    assert corpus.render(0) == Prompt(messages=(("user", "Plain text prompt"),))
    assert corpus.render(3) == corpus.render(0)
    second = corpus.render(1)
    assert second.messages == (("system", "Be brief."), ("user", "Tell me about Lisbon in 1755."))
    assert second.max_tokens == 32
    a, b = corpus.render(2), corpus.render(5)
    assert a.messages[0] == ("system", "S")
    assert len(a.messages[1][1]) == 36
    assert a.messages[1][1] != b.messages[1][1]


def test_json_braces_in_prompts_are_left_alone() -> None:
    corpus = Corpus.from_jsonl('{"prompt": "Return {\\"a\\": 1} as JSON"}')
    assert corpus.render(0).messages == (("user", 'Return {"a": 1} as JSON'),)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", r"p\.jsonl:1: not valid JSON"),
        ('"ok"\n{"prompt": "{{nope}}"}', r"p\.jsonl:2: placeholder \{\{nope\}\} has no value"),
        ('{"prompt": "a", "messages": []}', "exactly one of 'prompt' or 'messages'"),
        ('{"messages": [{"role": "robot", "content": "x"}]}', r"messages\[0\] needs a role"),
        ('{"prompt": "a", "max_tokens": 0}', "max_tokens must be a positive integer"),
        ('{"prompt": "a", "max_tokens": 2147483648}', "at most 2,147,483,647"),  # int32
        ('{"prompt": "a", "max_tokens": true}', "max_tokens must be a positive integer"),
        ("42", "expected a string or an object"),
        ("", "corpus is empty"),
    ],
)
def test_bad_corpus_lines_name_file_and_line(text: str, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        Corpus.from_jsonl(text, source="p.jsonl")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read prompts file"):
        Corpus.from_file(tmp_path / "missing.jsonl")
