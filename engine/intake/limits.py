"""How much one input file may hold; the README quotes these.

A file over a limit is refused whole, with the limit in the message. The text limits
are in characters and never exceed the database columns they fill (PostgreSQL refuses
a longer value), so a value that passes here is stored as it is.
"""

from __future__ import annotations

#: the largest file read at all (YAML, JSON, CSV or XLSX)
MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
#: data rows of a CSV or sheet, units of a YAML/JSON file, tasks of a directives file
MAX_ROWS = 100_000

# -- text fields, in characters -----------------------------------------------------------

#: a unit code (column unit.code)
MAX_CODE = 32
#: a directive's reference number, 45/TB-VPCTN (column directive.reference)
MAX_REFERENCE = 100
#: a task's number within its directive, "1" or "2.3" (column task.number)
MAX_NUMBER = 20
#: a person's name or job title, a task's owner (columns unit.head_name, task.owner)
MAX_PERSON = 200
#: an email address (column unit.head_email)
MAX_EMAIL = 320
#: a unit's name or alias, an issuer, an authority (columns unit.name_vi, task.authority)
MAX_NAME = 300
#: a directive's or task's title, a meeting, a deliverable
MAX_TITLE = 2_000
#: a task's description, a quotation from the source text
MAX_NOTE = 10_000
#: the full text of a directive
MAX_DOCUMENT = 200_000


def vi_number(n: int) -> str:
    """100.000, as Vietnamese writes it."""
    return f"{n:,}".replace(",", ".")


def file_size(n: int, lang: str) -> str:
    """A size in MB (or KB below one MB), with the decimal mark of `lang`."""
    amount, unit = (n / 1024 / 1024, "MB") if n >= 1024 * 1024 else (n / 1024, "KB")
    text = f"{amount:.1f}".removesuffix(".0")
    return f"{text.replace('.', ',') if lang == 'vi' else text} {unit}"


def over_rows(what_vi: str, what_en: str) -> tuple[str, str]:
    """Vietnamese and English reasons for a file with more than MAX_ROWS `what`."""
    return (
        f"tệp có hơn {vi_number(MAX_ROWS)} {what_vi}, vượt giới hạn; hãy chia thành nhiều tệp nhỏ hơn",
        f"the file has more than {MAX_ROWS:,} {what_en}, over the limit; split it into smaller files",
    )
