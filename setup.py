"""Build hooks: the translation catalogues are compiled into every wheel and sdist.

The compiled catalogues (messages.mo) are not kept in git; without this step an installed
Depot would speak only English. Everything else about the package is in pyproject.toml.
"""
from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

CATALOGUES = "depot/translations/*/LC_MESSAGES/messages.po"


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Compile each catalogue under `source` to its .mo beside the same path under `target`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob(CATALOGUES)):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.unlink(missing_ok=True)  # it may be a hard link to a source file (an sdist's tree)
        with po.open("rb") as handle:
            catalogue = read_po(handle)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=True)
        written.append(mo)
    if not written:
        raise SystemExit(f"no translation catalogues found at {source / CATALOGUES}")
    return written


class BuildPy(build_py):
    """Copy the package, then compile the catalogues into what is built (or, for an editable
    install, beside the sources)."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = root if self.editable_mode else Path(self.build_lib)
        for mo in compile_catalogues(root, target):
            self.announce(f"compiled {mo}", level=2)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        root = Path(__file__).resolve().parent
        compiled = [str(Path(self.build_lib) / po.relative_to(root).with_suffix(".mo"))
                    for po in sorted(root.glob(CATALOGUES))]
        return sorted(set(super().get_outputs(include_bytecode)) | set(compiled))


class Sdist(sdist):
    """An sdist carries the compiled catalogues too, next to their sources."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        compile_catalogues(Path(base_dir), Path(base_dir))


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
