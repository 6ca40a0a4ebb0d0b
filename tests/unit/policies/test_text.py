"""Text people send: no control, bidirectional or invisible characters; trimmed, NFC, never blank."""
import re

import pytest
from pydantic import BaseModel, Field, ValidationError

from policies.text import STORED, LongText, Note, Text, strip_unsafe


class Form(BaseModel):
    name: Text = Field(max_length=20)
    reason: LongText = Field(max_length=200)
    note: Note = ""


def refusal(**fields: str) -> tuple[str, str]:
    with pytest.raises(ValidationError) as raised:
        Form(**{"name": "长治示例", "reason": "理由", **fields})
    error = raised.value.errors()[0]
    return ".".join(map(str, error["loc"])), error["msg"]


@pytest.mark.parametrize("name", ["长治\x07示例", "\x1b[31m长治", "长治\x7f", "长治\x85", "长治\u200b示例", "长治\ufeff",
                                  "长治\u2028示例"])
def test_control_and_invisible_characters_are_refused_in_a_name(name):
    field, reason = refusal(name=name)
    assert field == "name" and reason.startswith("不得包含控制字符或不可见字符（U+")


@pytest.mark.parametrize("name", ["长治\u202e司公限有", "\u2066长治\u2069", "a\u202ab"])
def test_bidirectional_overrides_and_isolates_are_refused(name):
    field, reason = refusal(name=name)
    assert field == "name" and "双向文字控制字符" in reason and "U+20" in reason


def test_a_name_is_one_line_but_a_reason_may_have_line_breaks_and_tabs():
    assert "换行符" in refusal(name="长治\n示例")[1]
    assert "制表符" in refusal(name="长治\t示例")[1]
    form = Form(name="长治示例", reason="第一条\r\n\t第二条")
    assert form.reason == "第一条\n\t第二条"
    assert "控制字符" in refusal(reason="理由\x1b")[1]


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", " \n "])
def test_blank_text_is_refused_where_required_and_an_optional_note_may_be_empty(blank):
    field, reason = refusal(reason=blank)
    assert field == "reason" and reason == "不得为空或仅含空白字符"
    assert Form(name="长治", reason="理由", note=blank).note == ""


def test_text_is_trimmed_and_nfc_normalised():
    form = Form(name="  Cafe\u0301  ", reason=" 理由 ")
    assert form.name == "Café" and form.reason == "理由"


def test_the_openapi_pattern_states_the_same_rule():
    schema = Form.model_json_schema()["properties"]
    name, reason, note = (re.compile(schema[field]["pattern"]) for field in ("name", "reason", "note"))
    assert name.match("长治示例") and not name.match("长治\x07") and not name.match("  ") and not name.match("a\nb")
    assert reason.match("a\nb") and not reason.match("a\u202eb") and not reason.match("\n")
    assert note.match("") and not note.match("\x1b")
    assert schema["name"]["pattern"].isascii(), "escapes, not raw control characters, in the document"


def test_text_read_back_from_storage_is_cleaned_not_refused():
    stored = Form.model_validate({"name": "长治\x07示例", "reason": "理由\x1b[0m\n下一行"}, context=STORED)
    assert stored.name == "长治示例" and stored.reason == "理由[0m\n下一行"
    assert strip_unsafe("a\x00b\u202ec\td\n") == "abc\td\n"
