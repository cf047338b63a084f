"""Errors name the argument, quote the input briefly, and report a missing argument."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

import flopcast
from flopcast.numbers.errors import (
    InvalidInputError,
    MissingArgumentError,
    UnknownHardwareError,
    quote,
)
from flopcast.numbers.validation import tool_function


def test_quote_keeps_short_input_and_cuts_long_input_with_its_length():
    assert quote("h100") == "'h100'"
    long = quote("x" * 1_000_000)
    assert long == "'" + "x" * 79 + "… (1000000 characters)"
    assert len(long) < 110


def test_quote_describes_a_huge_integer_by_its_digits():
    assert quote(10**400) == "an integer of 401 digits"
    assert quote(-(10**5000)) == "an integer of 5001 digits"  # past Python's 4300-digit limit


def test_quote_abbreviates_containers():
    assert len(quote([[["a" * 1000]]] * 10_000)) <= 80


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: flopcast.estimate_training(model="gpt-3-175b", count=8), "hardware"),
        (lambda: flopcast.explain_flops(), "topic"),
        (lambda: flopcast.estimate_inference(model="llama-2-7b"), "inference"),
    ],
)
def test_missing_required_argument_is_a_one_line_error_naming_it(call, argument):
    with pytest.raises(MissingArgumentError) as info:
        call()
    text = str(info.value)
    expected = "hardware" if argument == "inference" else argument
    assert text.startswith(f"{expected}: is required")
    assert "\n" not in text
    assert isinstance(info.value, TypeError)  # what Python raised before: callers keep working


def test_missing_topic_lists_the_topics():
    with pytest.raises(MissingArgumentError, match="'peak_derivation'"):
        flopcast.explain_flops()


def test_unknown_keyword_names_the_accepted_arguments():
    with pytest.raises(InvalidInputError, match="^hardwares: is not an argument; accepted"):
        flopcast.estimate_training(hardware="a100", params="7B", tokens="1T", hardwares="a")


def test_tool_function_leaves_a_type_error_from_inside_the_function_alone():
    from pydantic import BaseModel

    class Args(BaseModel):
        x: int

    @tool_function(Args)
    def f(args: Args) -> int:
        return len(args.x)  # type: ignore[arg-type]  # a bug inside: TypeError

    with pytest.raises(TypeError, match="has no len"):
        f(x=3)


class SizeArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: float = Field(description="Size in m.")
    unit: str = Field("m", description="Unit.")


def test_tool_function_signature_is_the_model_then_the_server_arguments():
    import inspect

    Args = SizeArgs
    seen = {}

    @tool_function(Args)
    def f(args: SizeArgs, *, roots: list[str] | None = None) -> str:
        """Say the size."""
        seen["roots"] = roots
        return f"{args.size} {args.unit}"

    assert str(inspect.signature(f)) == (
        "(*, size: float, unit: str = 'm', roots: list[str] | None = None) -> str")
    assert f.input_model is Args and f.server_arguments == ("roots",)
    assert f.__doc__.startswith("Say the size.")
    assert "size (required): Size in m." in f.__doc__ and "unit (default 'm'): Unit." in f.__doc__
    assert f(size="2", roots=["/x"]) == "2.0 m" and seen["roots"] == ["/x"]
    with pytest.raises(InvalidInputError, match="^colour: is not an argument"):
        f(size=1, colour="red")
    with pytest.raises(TypeError, match="keyword arguments only"):
        f(1)


def test_public_functions_show_every_argument_with_its_description():
    # help(flopcast.estimate_training) lists each argument: the signature and the docs are
    # made from the input model, so they cannot drift from what the tools accept.
    import inspect

    from flopcast.training.estimate import EstimateTrainingInput

    signature = inspect.signature(flopcast.estimate_training)
    assert list(signature.parameters) == list(EstimateTrainingInput.model_fields)
    doc = flopcast.estimate_training.__doc__
    flat = " ".join(doc.split())  # descriptions are wrapped at 92 columns
    for name, field in EstimateTrainingInput.model_fields.items():
        assert f"\n    {name} (" in doc
        assert " ".join(field.description.split()) in flat
    assert signature.parameters["hardware"].default is None  # without it: the compute alone
    assert signature.parameters["method"].default == "6nd"


def test_unknown_hardware_quotes_a_long_name_briefly():
    with pytest.raises(UnknownHardwareError) as info:
        flopcast.estimate_training(hardware="h" * 1_000_000, params="7B", tokens="1T")
    text = str(info.value)
    assert "… (1000000 characters)" in text
    assert len(text) < 300


def test_validation_error_quotes_a_long_value_briefly():
    with pytest.raises(InvalidInputError) as info:
        flopcast.estimate_training(hardware="a100", params="7B", tokens="1T", mfu="9" * 100_000)
    assert str(info.value).startswith("mfu: ")
    assert "(100000 characters)" in str(info.value)
    assert len(str(info.value)) < 400


def test_nul_byte_in_a_path_is_refused_by_name(tmp_path):
    with pytest.raises(InvalidInputError, match=r"^path: contains a NUL byte"):
        flopcast.count_tokens(path="a\0b", allowed_roots=[tmp_path])
