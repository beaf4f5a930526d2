"""The embedded server's launcher: AMX is read off ``/proc/cpuinfo`` and, only there, llama.cpp's
extra weight buffers are turned off before the model loads."""

from __future__ import annotations

from types import SimpleNamespace

from llmextract.llama_server import _without_extra_buffers, lists_amx

XEON_WITH_AMX = (
    "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\n"
    "flags\t\t: fpu sse2 avx2 avx512f amx_bf16 amx_tile amx_int8\n"
)
EPYC_WITHOUT_AMX = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n"
AMX_ONLY_IN_A_NAME = "model name\t: amx_tile lookalike\nflags\t\t: fpu sse2 avx2\n"


def test_amx_is_read_from_the_flags_line() -> None:
    assert lists_amx(XEON_WITH_AMX)
    assert not lists_amx(EPYC_WITHOUT_AMX)
    assert not lists_amx(AMX_ONLY_IN_A_NAME)
    assert not lists_amx("")


def test_the_patched_defaults_turn_extra_buffers_off_and_keep_the_rest() -> None:
    def default() -> SimpleNamespace:
        return SimpleNamespace(use_extra_bufts=True, n_gpu_layers=0)

    params = _without_extra_buffers(default)()
    assert params.use_extra_bufts is False
    assert params.n_gpu_layers == 0
    assert default().use_extra_bufts is True
