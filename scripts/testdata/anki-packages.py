#!/usr/bin/env python3
"""Produce Anki packages written by code we did not write, for the `.apkg` import tests.

    pip install -r scripts/testdata/requirements-anki.txt   # genanki==0.13.1, zstandard==0.25.0
    python3 scripts/testdata/anki-packages.py crates/api/tests/api/data

Writes three files into the given directory:

- `genanki-basic.apkg`: made by the `genanki` package (an independent `.apkg` writer):
  `collection.anki2` in schema 11 plus a media map and one media file. Its note type has the
  fields Wort / Übersetzung / Audio (names our importer does not know, so it must map by
  position), and the notes carry HTML, entities, `[sound:…]`, `<img>`, `<br>`, a note repeated
  with other casing and a note with an empty second field.
- `anki21.apkg`: the layout of Anki 2.1 (before 2.1.50) packages exported without "support
  older Anki versions": the real collection (written by genanki, schema 11) as
  `collection.anki21`, and beside it the dummy `collection.anki2` that Anki's own exporter
  (`AnkiPackageExporter._addDummyCollection`) adds for older versions, one note saying "This
  file requires a newer version of Anki." (also written by genanki). An importer that reads the
  stub instead of the real collection imports that sentence.
- `anki21b.apkg`: the layout of Anki 2.1.50+ packages, which genanki cannot write:
  `collection.anki21b` (SQLite in schema 18, compressed with zstd), a zstd-compressed `media`
  map, a `meta` file (protobuf: version 3) and the legacy `collection.anki2` stub that tells
  old Anki versions to update. The schema-18 tables are built with Python's sqlite3 from the
  statements Anki's `rslib/src/storage/schema11.sql` upgrades lead to (notes, cards, notetypes,
  fields, templates, decks, col); only what an importer reads is filled in.

The output is deterministic: fixed ids and timestamps, and the zip entries are re-packed with a
fixed date, so an unchanged generator gives identical files. The generator refuses other
genanki/zstandard versions and reads its own output back before it finishes.
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path

import genanki
import zstandard

PINNED = {"genanki": "0.13.1", "zstandard": "0.25.0"}
TIMESTAMP = 1_767_225_600  # 2026-01-01T00:00:00Z
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


def check_versions() -> None:
    for package, pinned in PINNED.items():
        found = version(package)
        if found != pinned:
            sys.exit(f"{package} {found} is installed; this generator is pinned to {pinned}")


def repack(source: bytes) -> bytes:
    """The same entries in the same order, with a fixed date and deflate: a deterministic zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def genanki_package(workdir: Path, name: str, deck: genanki.Deck, media_files: list[str] | None = None) -> bytes:
    path = workdir / name
    genanki.Package(deck, media_files=media_files or []).write_to_file(str(path), timestamp=TIMESTAMP)
    return path.read_bytes()


def genanki_basic(workdir: Path) -> bytes:
    model = genanki.Model(
        1_607_392_319,
        "Wortschatz",
        fields=[{"name": "Wort"}, {"name": "Übersetzung"}, {"name": "Audio"}],
        templates=[{"name": "Karte 1", "qfmt": "{{Wort}}<br>{{Audio}}", "afmt": "{{FrontSide}}<hr id=answer>{{Übersetzung}}"}],
    )
    deck = genanki.Deck(2_059_400_110, "Deutsch::Tiere")
    notes = [
        ("der <b>Hund</b>", "собака<br>пёс", "[sound:hund.mp3]"),
        ("die Katze&nbsp;", "кошка &amp; кот", ""),
        ("<div>das Pferd</div>", "лошадь<img src=\"pferd.jpg\">", ""),
        ("DER HUND", "собака (снова)", ""),
        ("der Vogel", "", ""),
        ("caf&eacute;-Haus &lt;3", "кофейня", ""),
    ]
    for index, fields in enumerate(notes):
        deck.add_note(genanki.Note(model=model, fields=list(fields), guid=f"la-test-{index}"))
    media = workdir / "hund.mp3"
    media.write_bytes(b"ID3 not really audio")
    return repack(genanki_package(workdir, "genanki.apkg", deck, [str(media)]))


def anki21(workdir: Path) -> bytes:
    model = genanki.Model(
        1_607_392_320,
        "Basic (and reversed card)",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"},
            {"name": "Card 2", "qfmt": "{{Back}}", "afmt": "{{FrontSide}}<hr id=answer>{{Front}}"},
        ],
    )
    deck = genanki.Deck(2_059_400_111, "Español::Comida")
    notes = [
        ("la <b>manzana</b>", "яблоко"),
        ("el pan&nbsp;", "хлеб<br>батон"),
        ("<span style=\"color: red\">el queso</span>", "сыр<img src=\"queso.png\">"),
    ]
    for index, fields in enumerate(notes):
        deck.add_note(genanki.Note(model=model, fields=list(fields), guid=f"la-21-{index}"))
    real = genanki_package(workdir, "anki21-real.apkg", deck)
    # Anki 2.1's exporter: a fresh collection with one Basic note, for versions before 2.1.
    stub_model = genanki.Model(
        1_607_392_321,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    stub_deck = genanki.Deck(1, "Default")
    stub_deck.add_note(
        genanki.Note(model=stub_model, fields=["This file requires a newer version of Anki.", ""], guid="la-21-stub")
    )
    stub = genanki_package(workdir, "anki21-stub.apkg", stub_deck)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as zreal, zipfile.ZipFile(io.BytesIO(stub)) as zstub, zipfile.ZipFile(
        out, "w"
    ) as zout:
        # Anki writes the real collection first, then the media map, then the dummy.
        for name, data in [
            ("collection.anki21", zreal.read("collection.anki2")),
            ("media", zreal.read("media")),
            ("collection.anki2", zstub.read("collection.anki2")),
        ]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    return out.getvalue()


SCHEMA_18 = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL,
  odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL COLLATE unicase, mtime_secs integer NOT NULL,
  usn integer NOT NULL, config blob NOT NULL);
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
  config blob NOT NULL, PRIMARY KEY (ntid, ord)) WITHOUT ROWID;
CREATE UNIQUE INDEX idx_fields_name_ntid ON fields (name, ntid);
CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) WITHOUT ROWID;
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase, mtime_secs integer NOT NULL,
  usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
"""


def unicase(a: str, b: str) -> int:
    return (a.casefold() > b.casefold()) - (a.casefold() < b.casefold())


def sqlite_file(workdir: Path, name: str, build) -> bytes:
    path = workdir / name
    db = sqlite3.connect(path)
    db.create_collation("unicase", unicase)
    build(db)
    db.commit()
    db.execute("VACUUM")
    db.close()
    return path.read_bytes()


def anki21b(workdir: Path) -> bytes:
    notetype = 1_700_000_000_001
    deck = 1_700_000_000_002
    notes = [
        ("der Tisch", "стол", "Der Tisch ist <i>neu</i>."),
        ("der Stuhl", "стул<br/>табурет", ""),
        ("das Fenster", "окно", "[sound:fenster.mp3]Das Fenster ist offen."),
    ]

    def build(db: sqlite3.Connection) -> None:
        db.executescript(SCHEMA_18)
        db.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 18, 0, 0, 0, '', '', '', '', '')",
            (TIMESTAMP, TIMESTAMP * 1000, TIMESTAMP * 1000),
        )
        db.execute("INSERT INTO notetypes VALUES (?, 'Basic+Example', ?, 0, x'')", (notetype, TIMESTAMP))
        for ord_, name in enumerate(["Front", "Back", "Example"]):
            db.execute("INSERT INTO fields VALUES (?, ?, ?, x'')", (notetype, ord_, name))
        db.execute("INSERT INTO templates VALUES (?, 0, 'Card 1', ?, 0, x'')", (notetype, TIMESTAMP))
        db.execute("INSERT INTO decks VALUES (?, 'Möbel', ?, 0, x'', x'')", (deck, TIMESTAMP))
        for index, fields in enumerate(notes):
            note_id = TIMESTAMP * 1000 + index
            db.execute(
                "INSERT INTO notes VALUES (?, ?, ?, ?, 0, '', ?, ?, 0, 0, '')",
                (note_id, f"la-21b-{index}", notetype, TIMESTAMP, "\x1f".join(fields), fields[0]),
            )
            db.execute(
                "INSERT INTO cards VALUES (?, ?, ?, 0, ?, 0, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                (note_id, note_id, deck, TIMESTAMP, index + 1),
            )

    def build_stub(db: sqlite3.Connection) -> None:
        # What Anki 2.1.50+ puts beside the real collection for older versions to show.
        db.executescript(SCHEMA_18.split("CREATE TABLE cards")[0])
        db.execute(
            "INSERT INTO notes VALUES (1, 'stub', 1, 0, 0, '', ?, '', 0, 0, '')",
            ("Please update to the latest Anki version, then import the .colpkg/.apkg file again.\x1f",),
        )

    collection = sqlite_file(workdir, "collection.anki21b.sqlite", build)
    stub = sqlite_file(workdir, "collection.anki2", build_stub)
    compressor = zstandard.ZstdCompressor(level=3)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, data, method in [
            ("collection.anki2", stub, zipfile.ZIP_DEFLATED),
            ("collection.anki21b", compressor.compress(collection), zipfile.ZIP_STORED),
            # An empty MediaEntries protobuf, compressed like Anki's.
            ("media", compressor.compress(b""), zipfile.ZIP_STORED),
            # PackageMetadata { version: LATEST (3) }.
            ("meta", b"\x08\x03", zipfile.ZIP_STORED),
        ]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    return out.getvalue()


def read_back(package: bytes, collection_name: str) -> list[list[str]]:
    """The notes of a written package, to check the output before it is kept."""
    with zipfile.ZipFile(io.BytesIO(package)) as zin, tempfile.TemporaryDirectory() as tmp:
        data = zin.read(collection_name)
        if collection_name.endswith("21b"):
            data = zstandard.ZstdDecompressor().decompress(data)
        path = Path(tmp) / "c.db"
        path.write_bytes(data)
        db = sqlite3.connect(path)
        rows = [r[0].split("\x1f") for r in db.execute("SELECT flds FROM notes ORDER BY id")]
        db.close()
        return rows


def main() -> None:
    check_versions()
    if len(sys.argv) != 2:
        sys.exit("usage: anki-packages.py OUTPUT_DIRECTORY")
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        basic = genanki_basic(Path(tmp))
        middle = anki21(Path(tmp))
        newest = anki21b(Path(tmp))
    basic_notes = read_back(basic, "collection.anki2")
    assert len(basic_notes) == 6 and basic_notes[0][0] == "der <b>Hund</b>", basic_notes
    middle_notes = read_back(middle, "collection.anki21")
    fronts = ["la <b>manzana</b>", "el pan&nbsp;", '<span style="color: red">el queso</span>']
    assert [n[0] for n in middle_notes] == fronts, middle_notes
    stub_notes = read_back(middle, "collection.anki2")
    assert stub_notes == [["This file requires a newer version of Anki.", ""]], stub_notes
    newest_notes = read_back(newest, "collection.anki21b")
    assert [n[0] for n in newest_notes] == ["der Tisch", "der Stuhl", "das Fenster"], newest_notes
    (out_dir / "genanki-basic.apkg").write_bytes(basic)
    (out_dir / "anki21.apkg").write_bytes(middle)
    (out_dir / "anki21b.apkg").write_bytes(newest)
    print(
        f"genanki-basic.apkg: {len(basic)} bytes, {len(basic_notes)} notes; "
        f"anki21.apkg: {len(middle)} bytes, {len(middle_notes)} notes; "
        f"anki21b.apkg: {len(newest)} bytes, {len(newest_notes)} notes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
