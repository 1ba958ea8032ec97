"""Builds wordvec's compiled kernels as extension modules, one per stage.

Everything else about the package is in ``pyproject.toml``.  The C of each stage
(``wordvec/_ext/_<stage>_kernels.c``) is compiled with its Cython binding
(``wordvec/_ext/_<stage>_ext.pyx``) when the package is built (``pip install .``,
``pip wheel .``); nothing is compiled at run time.

The extensions are optional: where they cannot be built (no C compiler, or one that
lacks GCC/Clang's vector extensions, such as MSVC), the build goes on without them and
the package runs its NumPy/SciPy backend, saying so on first use (``wordvec --version``
and ``wordvec.show_config()`` say which backend is in use).  Where the compiler rejects
function multiversioning (``target_clones``), the products are built once more without
it (the portable path, no AVX2 clones).
"""

import sys

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

STAGES = ("tokenize", "count", "sparse")


class BuildKernels(build_ext):
    """Compiler flags by compiler, and a second try without multiversioning."""

    def build_extension(self, ext):
        if self.compiler.compiler_type != "msvc":
            ext.extra_compile_args = ["-O3", "-Wno-psabi"] + list(ext.extra_compile_args)
        try:
            super().build_extension(ext)
            return
        except Exception as exc:  # noqa: BLE001 -- the compiler's failure, whatever its class
            first = exc
        if ("WORDVEC_NO_CLONES", "1") not in ext.define_macros:
            print(f"wordvec: building {ext.name} again without target_clones ({first})",
                  file=sys.stderr)
            ext.define_macros.append(("WORDVEC_NO_CLONES", "1"))
            try:
                super().build_extension(ext)
                return
            except Exception as exc:  # noqa: BLE001
                first = exc
        if not getattr(ext, "optional", False):
            raise first
        print(f"wordvec: WARNING: {ext.name} not built ({first}); this copy will run the "
              "NumPy/SciPy backend (slower) and say so on first use", file=sys.stderr)


def extensions():
    # Mach-O has no ifunc: Apple's clang refuses target_clones.
    macros = [("WORDVEC_NO_CLONES", "1")] if sys.platform == "darwin" else []
    exts = [Extension(f"wordvec._ext._{stage}_ext",
                      sources=[f"wordvec/_ext/_{stage}_ext.pyx", f"wordvec/_ext/_{stage}_kernels.c"],
                      depends=[f"wordvec/_ext/_{stage}_kernels.h"], include_dirs=["wordvec/_ext"],
                      define_macros=list(macros), optional=True)
            for stage in STAGES]
    built = cythonize(exts, compiler_directives={"language_level": 3}, quiet=True)
    for ext in built:  # cythonize's copies do not keep it
        ext.optional = True
    return built


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildKernels})
