"""The embedded model's server: ``python -m llmextract.llama_server ARGS`` is llama-cpp-python's
own OpenAI-compatible server (``llama_cpp.server``, same arguments), with llama.cpp's extra
weight buffers turned off on CPUs that report AMX tiles.

Why: on a CPU that lists ``amx_tile`` llama.cpp moves the weights into its AMX buffer, and on
the 2-core Xeon VMs this project runs on (Firecracker guests that list AMX) the first matrix
product then dies with a general protection fault in ``ggml_backend_amx_mul_mat``: the server
drops the connection and every article that needs the model fails. llama-cpp-python has no
setting for it, so the model parameters' ``use_extra_bufts`` is cleared before the server loads
the model. Only where AMX is listed: elsewhere the extra buffers are llama.cpp's repacked
weights, which make prompts faster and never faulted here.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

CPU_INFO = Path("/proc/cpuinfo")
# What the server needs installed (the [local] extra): local_model imports it before starting us.
REQUIRES = ("llama_cpp.server",)


def lists_amx(cpu_info: str) -> bool:
    """Whether a ``/proc/cpuinfo`` text lists AMX tiles among any processor's flags."""
    return any(
        line.startswith("flags") and "amx_tile" in line.split()
        for line in cpu_info.splitlines()
    )


def _without_extra_buffers(default: Any) -> Any:
    def params() -> Any:
        chosen = default()
        chosen.use_extra_bufts = False
        return chosen

    return params


def main(argv: list[str] | None = None) -> None:
    import llama_cpp.llama_cpp as llama_native  # the [local] extra, only in the server process

    try:
        cpu_info = CPU_INFO.read_text("utf-8", errors="replace")
    except OSError:  # not Linux: no such file, and no AMX buffer of this kind to avoid
        cpu_info = ""
    if lists_amx(cpu_info):
        llama_native.llama_model_default_params = _without_extra_buffers(
            llama_native.llama_model_default_params
        )
    sys.argv = ["llama_cpp.server", *(sys.argv[1:] if argv is None else argv)]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
