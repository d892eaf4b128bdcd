"""The gazetteer: every people file is loaded, duplicates and clashes are harmless, and it stays fast."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import time
from importlib import resources
from pathlib import Path

import pytest

from timeline.extract.actors import build_gazetteer, gazetteer, people_files, trie_pattern

CODES = ["FRA", "DEU", "GHA", "BRA", "IND", "PAK", "KOR", "EGY", "SAU", "TUR"]
OFFICES = ["President", "Prime Minister", "Foreign Minister", "Crown Prince", "Speaker"]


def _name(rng: random.Random) -> str:
    def word() -> str:
        return rng.choice("BDFGKLMNPRSTVZ") + "".join(rng.choice("aeiou") + rng.choice("lmnrstvk") for _ in range(3))

    return f"{word()} {word()}"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's data files plus a synthetic officeholders.tsv of 4,000 lines and a people_extra.tsv."""
    root = tmp_path_factory.mktemp("data")
    src = resources.files("timeline.data")
    for item in src.iterdir():
        if item.name.endswith(".tsv"):
            (root / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    rng = random.Random(7)
    lines = ["# names\tstate\toffice\tfrom\tto"]
    for _ in range(3990):
        name = _name(rng)
        start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        lines.append(f"{name}|{name.split()[1]}\t{rng.choice(CODES)}\t{rng.choice(OFFICES)}\t{start}\t")
    # a person already in people.tsv, listed again with the same and with another office
    lines.append("Vladimir Putin|Putin\tRUS\tPresident\t2012-05-07\t")
    lines.append("Vladimir Putin|Putin\tRUS\tPresident of the Russian Federation\t2012-05-07\t")
    # names that are places or organisations stay places
    lines.append("Jordan Maxwell|Jordan\tUSA\tSpeaker\t2010-01-01\t2012-01-01")
    lines.append("Chad Brenner|Chad\tCAN\tSpeaker\t2010-01-01\t2012-01-01")
    lines.append("Nato Kvaratskhelia|Nato\tGEO\tForeign Minister\t2010-01-01\t2012-01-01")
    lines.append("Ama Quartey|Quartey\tGHA\tForeign Minister\t2019-01-01\t2023-01-01")
    # one surname for people of two states; and a curated surname given to someone else
    lines.append("Imran Qadeerkhan|Qadeerkhan\tPAK\tPrime Minister\t2018-08-18\t2022-04-10")
    lines.append("Aziz Qadeerkhan|Qadeerkhan\tAFG\tForeign Minister\t2019-01-01\t2021-08-15")
    lines.append("Ivan Lavrov|Lavrov\tBLR\tSpeaker\t2015-01-01\t")
    lines.append("short line without columns")
    (root / "officeholders.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "people_extra.tsv").write_text("Kofi Mensah-Larbi|Mensah-Larbi\tGHA\tSpeaker\t2021-01-07\t\n")
    return root


def test_every_people_file_is_read_curated_first(data_dir: Path) -> None:
    assert people_files(data_dir) == ["people.tsv", "officeholders.tsv", "people_extra.tsv"]
    assert people_files(resources.files("timeline.data"))[0] == "people.tsv"


def test_extra_people_are_found_and_dated(data_dir: Path) -> None:
    gaz = build_gazetteer(data_dir)
    (m,) = gaz.find("Ama Quartey flew to Lagos.")
    assert m.kind == "person" and m.code(dt.date(2020, 5, 1)) == "GHA"
    assert [x.code() for x in gaz.find("Speaker Kofi Mensah-Larbi spoke.")] == ["GHA"]


def test_a_person_in_two_files_is_one_state(data_dir: Path) -> None:
    gaz = build_gazetteer(data_dir)
    readings = gaz.lookup("Putin")
    assert {e.code for e in readings} == {"RUS"}
    # the same line twice is one reading; a differently worded office is a second reading of the same state
    assert len([e for e in readings if e.office == "President" and e.start == dt.date(2012, 5, 7)]) == 1
    (m,) = gaz.find("Putin")
    assert m.code(dt.date(2020, 1, 1)) == "RUS"


def test_person_aliases_never_take_a_place_or_organisation_name(data_dir: Path) -> None:
    gaz = build_gazetteer(data_dir)
    assert {e.kind for e in gaz.lookup("Jordan")} == {"state"}
    assert {e.kind for e in gaz.lookup("Chad")} == {"state"}
    assert {e.kind for e in gaz.lookup("Nato")} == {"org"}
    assert gaz.lookup("Jordan Maxwell")[0].kind == "person"


def test_loader_start_up_and_matching_stay_fast(data_dir: Path) -> None:
    """Built once per process: with ~4,000 extra people it must stay well under a second or two."""
    t0 = time.perf_counter()
    gaz = build_gazetteer(data_dir)
    built = time.perf_counter() - t0
    text = "Egypt's foreign minister met Ama Quartey in Accra, Lavrov said, as Putin called Erdogan. " * 400
    t0 = time.perf_counter()
    found = gaz.find(text)
    scanned = time.perf_counter() - t0
    assert len(found) >= 400 * 6
    assert built < 3.0, f"gazetteer build took {built:.2f}s"
    assert scanned < 0.5, f"matching 36 kB took {scanned:.3f}s"


def test_trie_pattern_prefers_the_longest_name() -> None:
    names = ["Kim", "Kim Jong Un", "Kim Jong", "US", "U.S.", "USA", "Xi", "Xi Jinping"]
    rx = re.compile(rf"(?<![\w.])(?:{trie_pattern(names)})(?![\w])")
    got = [m.group() for m in rx.finditer("Kim Jong Un met Kim Jong and Kim; the U.S. and USA and US. Xi Jinping, Xi")]
    assert got == ["Kim Jong Un", "Kim Jong", "Kim", "U.S.", "USA", "US", "Xi Jinping", "Xi"]


def test_package_data_has_no_missing_file_errors(tmp_path: Path) -> None:
    """A data folder without officeholders.tsv (the usual case today) loads what it has."""
    for name in ("countries.tsv", "people.tsv"):
        shutil.copy(Path(str(resources.files("timeline.data").joinpath(name))), tmp_path / name)
    gaz = build_gazetteer(tmp_path)
    assert gaz.lookup("Putin")[0].code == "RUS" and gaz.lookup("NATO") == ()
    assert gazetteer().lookup("NATO")[0].code == "NATO"


def test_ambiguous_surnames_from_generated_lists_are_dropped(data_dir: Path) -> None:
    gaz = build_gazetteer(data_dir)
    assert gaz.lookup("Qadeerkhan") == ()
    assert gaz.lookup("Imran Qadeerkhan")[0].code == "PAK" and gaz.lookup("Aziz Qadeerkhan")[0].code == "AFG"
    # the curated "Lavrov" stays Russia's; the generated namesake keeps his full name
    assert {e.code for e in gaz.lookup("Lavrov")} == {"RUS"}
    assert gaz.lookup("Ivan Lavrov")[0].code == "BLR"
