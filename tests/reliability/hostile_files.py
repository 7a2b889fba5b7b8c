"""Files a hostile tester hands to the imports: zip bombs, broken deflate, doubled parts."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def plain_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
                extra: list[tuple[str, bytes]] = ()) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in extra:
            if name in zout.namelist():
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    zout.writestr(name, data)
            else:
                zout.writestr(name, data)
    return target


def shared_strings_bomb(path: Path, count: int, text: str = "a") -> Path:
    """An xlsx whose sheet points at a shared-strings part of `count` strings (tiny zipped)."""
    base = plain_xlsx(path.with_suffix(".base.xlsx"), [["a"]])
    with zipfile.ZipFile(base) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    rels = rels.replace("</Relationships>", f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rId99"/></Relationships>')
    types = types.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>')
    start, end = sheet.index("<sheetData>"), sheet.index("</sheetData>")
    sheet = sheet[:start] + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>' + sheet[end:]
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">'
               + f"<si><t>{text}</t></si>" * count + "</sst>").encode()
    return rewrite_zip(base, path, {
        "xl/_rels/workbook.xml.rels": rels.encode(), "[Content_Types].xml": types.encode(),
        "xl/worksheets/sheet1.xml": sheet.encode(),
    }, [("xl/sharedStrings.xml", strings)])


def corrupt_deflate(source: Path, target: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """The same xlsx with a member whose deflate stream is garbage (zlib.error when read)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    header = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(header, header + min(info.compress_size, 40)):
        data[offset] = 0xFF
    target.write_bytes(bytes(data))
    return target


def doubled_member(source: Path, target: Path, member: str, second: bytes) -> Path:
    """The same zip with `member` a second time, later (what a naive reader takes)."""
    return rewrite_zip(source, target, extra=[(member, second)])


def deflate_ratio(data: bytes) -> float:
    return len(data) / len(zlib.compress(data))
