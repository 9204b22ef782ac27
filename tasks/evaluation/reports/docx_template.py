"""The office's Word template of review reports: where it is, and building the default at first use.

settings.report_template (DUBAN_REPORT_TEMPLATE) names a .docx the office may restyle in Word or WPS;
config/make_report_template.py documents its fields and writes the default one.
"""

from __future__ import annotations

from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from config import get_settings
from config.make_report_template import DEFAULT, build
from tasks.errors import ConfigError


def template_path() -> Path:
    """The report template in use; the default one is written when it is missing (first use)."""
    path = Path(get_settings().report_template)
    if not path.exists():
        if path.resolve() != DEFAULT.resolve():
            raise ConfigError(f"{path}: the report template does not exist (DUBAN_REPORT_TEMPLATE)")
        build(path)
    return path


def load_template() -> DocxTemplate:
    """The report template, opened for rendering; ConfigError naming the file when it is not a .docx."""
    path = template_path()
    template = DocxTemplate(str(path))
    try:
        template.init_docx()
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ConfigError(f"{path}: the report template is not a Word .docx file ({exc})") from None
    return template
