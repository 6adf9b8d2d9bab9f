"""A seeded generator of realistic German and English help-center articles (a kbgen corpus).

    python bench/corpus.py OUT --articles 10000 --seed 1            # de + en, half each
    python bench/corpus.py OUT --articles 500 --langs en --json stats.json

or, from another bench, ``generate(root, n, seed=1, langs=("de", "en"))`` (returns statistics).

What it writes (``kbgen check`` stays clean on it, no errors and no warnings):

* categories (top-level folders, one language each) and sections (sub-folders), each with a
  ``_meta.yml`` (title, description, icon ``material/folder-outline``, order), and ``index.md``;
* articles with complete front matter: a question as title, a unique id, description,
  keywords, tags, some promoted, order, related ids of other generated articles, ``updated``
  (some ``review_by``), ``lang``;
* bodies with ``##``/``###`` headings (some with explicit ``{#anchors}``), paragraphs, bullet
  lists, numbered steps, occasional tables and admonitions (``!!! note``), and relative links
  to other generated articles (some to an anchor), all valid.

Lengths follow the real corpora. The body word counts of ``shared/corpora/
ms-officedocs-support-en`` (en) and ``shared/corpora/ms-alchemyinsights-de`` (de) are measured at
generation time when those folders exist (``count_words``: front matter, a leading ``# title``,
link targets, HTML tags and comments left out; DocFX ``includes`` folders skipped); otherwise
the quantile table measured once from them (:data:`BUILTIN_QUANTILES`) is used. Both give the
same table, so the output does not depend on whether the corpora are present. Lengths are
drawn by inverse CDF, interpolating geometrically between quantiles.

Vocabulary: no text of the corpora is used, not even single words. Sentences come from this
file's own templates, filled with words drawn (Zipf-distributed) from a built-in lexicon per
language that is extended by word formation: German noun compounds (Rechnungs|adresse,
Kunden|konto), separable-prefix verbs, adjective compounds (kosten|frei), English jargon
compounds (mailbox-style), prefixed verbs (re-, pre-, auto-), -able adjectives, invented brand
names and error/model codes. The Zipf-Mandelbrot parameters (:data:`ZIPF`) were tuned so that
the number of distinct search-index terms (kbgen's analyser: folded, stemmed) grows with the
number of words as in the real corpora (Heaps' law; ``calibration(lang)`` measures it):

    words      en real / generated      de real / generated
    50,000       2,476 / 2,421            4,553 / 4,282
    200,000      5,532 / 5,886            9,690 / 9,734
    1,000,000   15,280 / 15,922          (347,000: 12,933 / 13,213)

A 10,000-article corpus (3.2 million words) gives about 51,000 index terms (en 32,000, de 19,000).

Structure: 12 categories per language from ~1,000 articles on (fewer below), sections of 15-40
articles, ~10 % of the articles directly in their category.

Prefix stability: an article's content depends only on (seed, language, its index k in that
language); related articles and links point to earlier articles (j < k). So the first articles
of a 10,000-article corpus have the same titles, ids and bodies (up to link paths) as those of
a 1,000-article corpus with the same seed; only the folder structure differs. bench/scale.py
uses this to compare page sizes of the same articles across help-center sizes.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import itertools
import json
import math
import os
import posixpath
import random
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
CORPUS_FOR_LANG = {"en": "ms-officedocs-support-en", "de": "ms-alchemyinsights-de"}
LANGS = ("de", "en")

# -- article lengths ---------------------------------------------------------------------------

QUANTILE_PROBS = (
    0.0,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.95,
    0.98,
    0.99,
    0.995,
    0.999,
    1.0,
)
# Body word counts (count_words) measured from the corpora named in CORPUS_FOR_LANG:
# en 2,449 articles (MicrosoftDocs/OfficeDocs-Support @36878e0e, includes/ skipped),
# de 3,025 articles (OfficeDocs-AlchemyInsights-pr.de-DE @15303a20).
BUILTIN_QUANTILES: dict[str, tuple[int, ...]] = {
    "en": (
        37,
        67,
        85,
        113,
        139,
        182,
        229,
        278,
        332,
        402,
        506,
        682,
        990,
        1367,
        2179,
        2870,
        3853,
        10924,
        20230,
    ),
    "de": (2, 12, 16, 24, 32, 43, 55, 69, 84, 100, 122, 154, 210, 266, 387, 470, 586, 1004, 1139),
}

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_LEADING_H1 = re.compile(r"\A\s*#[ \t][^\n]*(?:\n|\Z)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def words_of(text: str) -> list[str]:
    """The words of a Markdown article as a reader counts them (see :func:`count_words`)."""
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _LEADING_H1.sub("", text, count=1)  # kbgen takes a leading "# Title" as the title
    text = _LINK_TARGET.sub("]", text)
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    return _WORD.findall(text)


def count_words(text: str) -> int:
    """Body words: front matter, a leading ``# title``, link targets, HTML tags and comments
    left out; a word is a run of letters/digits, inner ' or - allowed (E-Mail = 1 word)."""
    return len(words_of(text))


def _count(text: str) -> int:
    """count_words for generated blocks (no front matter, H1, tags or comments): faster."""
    if "](" in text:
        text = _LINK_TARGET.sub("]", text)
    return len(_WORD.findall(text))


def corpus_lengths(folder: Path) -> list[int]:
    """Sorted body word counts of the Markdown articles in ``folder`` (DocFX includes skipped)."""
    counts = []
    for path in sorted(folder.rglob("*.md")):
        if "includes" in path.relative_to(folder).parts:
            continue
        counts.append(count_words(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(counts)


def quantiles_of(
    sorted_counts: Sequence[int], probs: Sequence[float] = QUANTILE_PROBS
) -> tuple[int, ...]:
    """Nearest-rank quantiles (p=0 the minimum, p=1 the maximum)."""
    n = len(sorted_counts)
    return tuple(
        sorted_counts[min(n - 1, max(0, math.ceil(p * n) - 1))] if p > 0 else sorted_counts[0]
        for p in probs
    )


@functools.cache
def length_quantiles(lang: str, corpora: str | None = None) -> tuple[tuple[int, ...], str]:
    """(quantiles at QUANTILE_PROBS, source) for ``lang``: measured from the real corpus when
    it is present (source is its path), else the built-in table (source "builtin")."""
    base = Path(corpora) if corpora else Path(os.environ.get("KBGEN_CORPORA", DEFAULT_CORPORA))
    name = CORPUS_FOR_LANG.get(lang)
    folder = base / name if name else None
    if folder is not None and folder.is_dir():
        counts = corpus_lengths(folder)
        if len(counts) >= 100:
            return quantiles_of(counts), str(folder)
    if lang in BUILTIN_QUANTILES:
        return BUILTIN_QUANTILES[lang], "builtin"
    return BUILTIN_QUANTILES["en"], "builtin(en)"


def sample_length(rng: random.Random, table: Sequence[int]) -> int:
    """A word count drawn by inverse CDF from quantiles ``table`` at QUANTILE_PROBS."""
    u = rng.random()
    i = min(len(QUANTILE_PROBS) - 2, bisect.bisect_right(QUANTILE_PROBS, u) - 1)
    p0, p1 = QUANTILE_PROBS[i], QUANTILE_PROBS[i + 1]
    lo, hi = max(1, table[i]), max(1, table[i + 1])
    t = (u - p0) / (p1 - p0)
    return max(1, round(lo * (hi / lo) ** t))


# -- lexicon -----------------------------------------------------------------------------------
# Our own word lists (common help-center words). Nouns: word/gender (de) — compounds take the
# gender of their last part. Verbs: infinitive/participle.

DE_NOUNS = """
Adresse/f Lieferadresse/f Bestellung/f Lieferung/f Rechnung/f Zahlung/f Rücksendung/f
Erstattung/f Gutschrift/f Karte/f Kreditkarte/f App/f Anmeldung/f Registrierung/f Einstellung/f
Benachrichtigung/f Nachricht/f Bestätigung/f Sendung/f Sendungsnummer/f Telefonnummer/f
Kundennummer/f Bestellnummer/f Seite/f Startseite/f Übersicht/f Liste/f Wunschliste/f Suche/f
Auswahl/f Größe/f Farbe/f Menge/f Lieferzeit/f Frist/f Garantie/f Gewährleistung/f
Reklamation/f Reparatur/f Montage/f Anleitung/f Datei/f Version/f Verbindung/f Schnittstelle/f
Funktion/f Option/f Berechtigung/f Rolle/f Gruppe/f Lizenz/f Gebühr/f Steuer/f
Mehrwertsteuer/f Währung/f Überweisung/f Lastschrift/f Rate/f Ratenzahlung/f Vorkasse/f
Mahnung/f Kündigung/f Laufzeit/f Anfrage/f Antwort/f Frage/f Beschwerde/f Bewertung/f
Empfehlung/f Aktion/f Werbung/f Einwilligung/f Sicherheit/f Verschlüsselung/f Sitzung/f
Störung/f Wartung/f Aktualisierung/f Installation/f Sprache/f Region/f Filiale/f Abholung/f
Verpackung/f Palette/f Spedition/f Zustellung/f Verfügbarkeit/f Vorbestellung/f Stornierung/f
Änderung/f Kategorie/f Marke/f Kollektion/f Oberfläche/f Ansicht/f Tabelle/f Vorlage/f
Signatur/f Unterschrift/f Hotline/f Kasse/f Zahlungsart/f Bankverbindung/f Postleitzahl/f
Hausnummer/f Straße/f Stadt/f Firma/f Abteilung/f Person/f Freigabe/f Prüfung/f Sperre/f
Warnung/f Meldung/f Fehlermeldung/f Ursache/f Lösung/f Ausnahme/f Regel/f Bedingung/f
Vereinbarung/f Quittung/f Geschenkkarte/f Batterie/f Leuchte/f Lampe/f Matratze/f Kommode/f
Schublade/f Tür/f Platte/f Schraube/f Halterung/f Steckdose/f Fernbedienung/f Lieferant/m
Artikel/m Warenkorb/m Gutschein/m Code/m Gutscheincode/m Rabatt/m Preis/m Betrag/m Versand/m
Paketdienst/m Kurier/m Termin/m Liefertermin/m Status/m Link/m Button/m Schritt/m Bereich/m
Zugang/m Zugriff/m Benutzer/m Kunde/m Händler/m Anbieter/m Vertrag/m Tarif/m Plan/m Zeitraum/m
Monat/m Tag/m Werktag/m Feiertag/m Fehler/m Hinweis/m Bericht/m Export/m Import/m Download/m
Upload/m Server/m Browser/m Speicher/m Ordner/m Eintrag/m Kommentar/m Kontakt/m Support/m
Kundenservice/m Chat/m Anruf/m Rückruf/m Antrag/m Nachweis/m Beleg/m Lieferschein/m Karton/m
Schaden/m Mangel/m Ersatz/m Umtausch/m Austausch/m Tisch/m Stuhl/m Schrank/m Sessel/m
Teppich/m Spiegel/m Bezug/m Stoff/m Akku/m Stecker/m Drucker/m Bildschirm/m Rechner/m
Laptop/m Router/m Standort/m Zeitplan/m Kalender/m Newsletter/m Login/m Nutzername/m
Schlüssel/m Verlauf/m Zahlungseingang/m Standard/m Wert/m Grund/m Zustand/m Vorgang/m
Auftrag/m Kauf/m Einkauf/m Verkauf/m Zuschlag/m Aufpreis/m Versandweg/m Filter/m Konto/n
Kundenkonto/n Passwort/n Kennwort/n Paket/n Produkt/n Angebot/n Formular/n Kontaktformular/n
Etikett/n Rücksendeetikett/n Dokument/n Foto/n Bild/n Video/n Handbuch/n Gerät/n Smartphone/n
Tablet/n Profil/n Benutzerkonto/n Abonnement/n Abo/n Limit/n Guthaben/n Budget/n Datum/n
Lieferdatum/n Kaufdatum/n Ende/n Ergebnis/n Feld/n Symbol/n Menü/n Fenster/n Modul/n Update/n
Programm/n Netzwerk/n Postfach/n Kabel/n Zubehör/n Ersatzteil/n Möbelstück/n Regal/n Sofa/n
Bett/n Kissen/n Material/n Holz/n Zertifikat/n Protokoll/n Team/n Unternehmen/n Land/n Lager/n
Depot/n Widerrufsrecht/n Rückgaberecht/n Verfahren/n Problem/n Thema/n Detail/n Sortiment/n
Häkchen/n Feedback/n Porto/n Gewicht/n Volumen/n Maß/n Zahlungsziel/n Kundenkonto/n
"""

DE_VERBS = """
ändern/geändert löschen/gelöscht speichern/gespeichert öffnen/geöffnet schließen/geschlossen
prüfen/geprüft überprüfen/überprüft bestätigen/bestätigt bestellen/bestellt
stornieren/storniert zurücksenden/zurückgesendet erstatten/erstattet bezahlen/bezahlt
aktivieren/aktiviert deaktivieren/deaktiviert einrichten/eingerichtet installieren/installiert
aktualisieren/aktualisiert herunterladen/heruntergeladen hochladen/hochgeladen teilen/geteilt
drucken/gedruckt versenden/versendet liefern/geliefert abholen/abgeholt anmelden/angemeldet
abmelden/abgemeldet registrieren/registriert zurücksetzen/zurückgesetzt verknüpfen/verknüpft
hinzufügen/hinzugefügt entfernen/entfernt bearbeiten/bearbeitet anzeigen/angezeigt
ausblenden/ausgeblendet verschieben/verschoben kopieren/kopiert exportieren/exportiert
importieren/importiert einlösen/eingelöst kündigen/gekündigt verlängern/verlängert
reklamieren/reklamiert umtauschen/umgetauscht reparieren/repariert montieren/montiert
reinigen/gereinigt verfolgen/verfolgt sperren/gesperrt entsperren/entsperrt
freigeben/freigegeben beantragen/beantragt einreichen/eingereicht hinterlegen/hinterlegt
erfassen/erfasst zuordnen/zugeordnet übertragen/übertragen synchronisieren/synchronisiert
verbinden/verbunden trennen/getrennt einstellen/eingestellt anpassen/angepasst
auswählen/ausgewählt suchen/gesucht finden/gefunden senden/gesendet empfangen/empfangen
erhalten/erhalten nutzen/genutzt verwenden/verwendet buchen/gebucht reservieren/reserviert
abschließen/abgeschlossen starten/gestartet beenden/beendet wiederherstellen/wiederhergestellt
sichern/gesichert melden/gemeldet bewerten/bewertet kontaktieren/kontaktiert
berechnen/berechnet begleichen/beglichen überweisen/überwiesen abbuchen/abgebucht
gutschreiben/gutgeschrieben ausfüllen/ausgefüllt unterschreiben/unterschrieben
verpacken/verpackt aufbauen/aufgebaut abbauen/abgebaut zusammenbauen/zusammengebaut
tauschen/getauscht ersetzen/ersetzt testen/getestet laden/geladen aufladen/aufgeladen
einschalten/eingeschaltet ausschalten/ausgeschaltet übernehmen/übernommen verwalten/verwaltet
einsehen/eingesehen abrufen/abgerufen zahlen/gezahlt packen/gepackt wählen/gewählt
zahlen/gezahlt schicken/geschickt prüfen/geprüft stellen/gestellt legen/gelegt
"""

DE_ADJECTIVES = """
neu aktuell gültig verfügbar sichtbar aktiv vollständig korrekt falsch richtig möglich nötig
erforderlich optional kostenlos kostenpflichtig günstig teuer schnell langsam sicher offen leer
voll bereit fertig beschädigt defekt fehlerhaft passend persönlich privat öffentlich
automatisch manuell digital elektronisch mobil lokal zentral regelmäßig einmalig monatlich
jährlich täglich wöchentlich dauerhaft vorübergehend zusätzlich gewünscht einfach schwierig
gering hoch niedrig groß klein lang kurz spät früh bekannt wichtig hilfreich zuständig
verantwortlich zulässig bequem kompatibel barrierefrei nachhaltig regional international
original separat gesamt alt ausreichend aktiviert gesperrt geöffnet vorhanden gleich anders
"""

EN_NOUNS = """
account order delivery invoice payment refund return shipment package parcel address card
credit voucher coupon code discount price amount fee tax currency transfer subscription plan
license contract cart checkout product item article catalog category brand size color quantity
stock warehouse store branch pickup courier carrier tracking label box pallet damage defect
warranty guarantee repair replacement exchange complaint claim request ticket case question
answer feedback review rating message notification email newsletter password username login
profile setting preference permission role group team user customer member admin owner partner
supplier vendor merchant device phone tablet laptop computer browser app application website
page screen window menu button link field form checkbox option feature function tool module
report export import file folder document attachment photo image video manual guide
instruction step section list table filter search result error warning problem issue cause
solution workaround update upgrade version release installation configuration connection
network server database backup storage calendar schedule appointment date deadline period month
week day hour minute business company organization department region country language location
limit quota balance budget statement receipt bill bank mandate installment deposit charge
chargeback dispute fraud security privacy consent cookie session token key certificate
signature policy rule condition term agreement status history log record entry note comment
chat call callback hotline support service agent desk portal dashboard sofa chair lamp mattress
shelf cabinet drawer cushion rug mirror bed frame cover fabric material wood screw bracket cable
charger battery plug adapter remote printer router speaker headset camera sensor controller
firmware driver plugin extension widget theme template workflow integration sync webhook
endpoint domain mailbox inbox alias forwarding quarantine spam workspace channel meeting
"""

EN_VERBS = """
change/changed delete/deleted save/saved open/opened close/closed check/checked
verify/verified confirm/confirmed order/ordered cancel/canceled return/returned refund/refunded
pay/paid activate/activated deactivate/deactivated configure/configured install/installed
update/updated download/downloaded upload/uploaded share/shared print/printed send/sent
ship/shipped deliver/delivered collect/collected register/registered reset/reset link/linked
add/added remove/removed edit/edited show/shown hide/hidden move/moved copy/copied
export/exported import/imported redeem/redeemed renew/renewed extend/extended claim/claimed
exchange/exchanged repair/repaired assemble/assembled clean/cleaned track/tracked lock/locked
unlock/unlocked approve/approved request/requested submit/submitted store/stored
assign/assigned transfer/transferred synchronize/synchronized connect/connected
disconnect/disconnected adjust/adjusted select/selected search/searched find/found
receive/received use/used book/booked reserve/reserved complete/completed start/started
stop/stopped restore/restored archive/archived report/reported rate/rated contact/contacted
calculate/calculated settle/settled charge/charged fill/filled sign/signed pack/packed
replace/replaced test/tested load/loaded enable/enabled disable/disabled manage/managed
view/viewed retrieve/retrieved block/blocked merge/merged split/split rename/renamed
schedule/scheduled pause/paused resume/resumed upgrade/upgraded downgrade/downgraded
migrate/migrated invite/invited apply/applied scan/scanned attach/attached
"""

EN_ADJECTIVES = """
new old current valid invalid available unavailable visible active inactive complete incomplete
correct wrong possible necessary required optional free paid cheap expensive fast slow secure
open empty full ready damaged defective faulty suitable specific personal private public
automatic manual digital electronic mobile local central regular monthly yearly daily weekly
permanent temporary additional preferred simple difficult low high large small long short late
early known unknown important helpful responsible compatible accessible sustainable
international original separate total default pending expired shared primary secondary
"""

SYLLABLES = (
    "ka lo mi ra ve no ti sa ber dan el fin gor hal is jor kel lin mar nor or pel quin ros sil "
    "tor ul var wen zel ax bo cu da fe gi hu ja ko lu ny pa re su ta vi wo xa yo zu"
).split()
DE_SEPARABLE = "ab an auf aus ein nach um vor zurück weiter wieder mit".split()
DE_ADJ_SUFFIXES = ("frei", "pflichtig", "bezogen", "abhängig", "fähig", "gerecht", "neutral")
EN_VERB_PREFIXES = "re pre auto un de co over mis".split()
_DE_FUGEN_S = ("ung", "heit", "keit", "ion", "tät", "schaft", "tum", "ling")


@dataclass(frozen=True)
class Noun:
    word: str
    gender: str = "n"  # de: m f n

    @property
    def stem(self) -> str:
        """German combining form for compounds (Rechnung → Rechnungs, Kunde → Kunden)."""
        w = self.word
        if w.endswith(_DE_FUGEN_S):
            return w + "s"
        if w.endswith("e") and self.gender in ("f", "m"):
            return w + "n"
        return w


@dataclass(frozen=True)
class Verb:
    inf: str
    part: str


def _dedupe(items):
    seen, out = set(), []
    for item in items:
        key = item.word if isinstance(item, Noun) else item.inf if isinstance(item, Verb) else item
        if key.lower() not in seen:
            seen.add(key.lower())
            out.append(item)
    return out


def _brands(rng: random.Random, n: int) -> list[str]:
    """Invented product and brand names (two or three syllables: Kalomi, Norvel)."""
    names = [
        "".join(p).capitalize() for k in (2, 3) for p in itertools.product(SYLLABLES, repeat=k)
    ]
    names = list(dict.fromkeys(names))
    rng.shuffle(names)
    return names[:n]


def _codes(rng: random.Random, n: int) -> list[str]:
    """Error and model codes (E1042, 0x8007A2F3, KX240)."""
    letters = "ABCDEGHKLMNPRSTVX"
    out: set[str] = set()
    codes: list[str] = []
    while len(codes) < n:
        kind = rng.random()
        if kind < 0.4:
            code = "EFW"[rng.randrange(3)] + str(rng.randrange(100, 10000))
        elif kind < 0.7:
            code = f"0x8{rng.getrandbits(28):07X}"
        else:
            bits = rng.getrandbits(15)
            code = (
                letters[bits % 17]
                + letters[(bits >> 5) % 17]
                + ("" if bits & 1 else letters[(bits >> 10) % 17])
                + str(rng.randrange(10, 990))
            )
        if code not in out:
            out.add(code)
            codes.append(code)
    return codes


@dataclass
class Lexicon:
    """Word pools of one language, most common first, with Zipf cumulative weights."""

    lang: str
    nouns: list[Noun]
    verbs: list[Verb]
    adjectives: list[str]
    brands: list[str]
    codes: list[str]
    cum: dict[str, list[float]] = field(default_factory=dict)

    def weights(self, params: dict[str, tuple[float, float]]) -> None:
        """Zipf-Mandelbrot weights (rank + q) ** -s per pool."""
        for name in ("nouns", "verbs", "adjectives", "brands", "codes"):
            pool = getattr(self, name)
            s, q = params[name]
            self.cum[name] = list(
                itertools.accumulate((r + q) ** -s for r in range(1, len(pool) + 1))
            )

    def pick(self, rng: random.Random, name: str):
        pool = getattr(self, name)
        cum = self.cum[name]
        return pool[bisect.bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]


# Zipf-Mandelbrot (exponent s, offset q) per pool, tuned with calibration() so that the number
# of distinct index terms grows with the number of words as in the real corpora.
ZIPF = {
    "de": {
        "nouns": (1.4, 20.0),
        "verbs": (1.2, 10.0),
        "adjectives": (1.2, 10.0),
        "brands": (1.3, 10.0),
        "codes": (1.3, 10.0),
    },
    "en": {
        "nouns": (1.6, 3.0),
        "verbs": (1.4, 10.0),
        "adjectives": (1.4, 10.0),
        "brands": (0.85, 10.0),
        "codes": (0.85, 10.0),
    },
}
POOL_SIZE = {
    "nouns": 120_000,
    "verbs": 4_000,
    "adjectives": 6_000,
    "brands": 100_000,
    "codes": 100_000,
}


def _interleave(base: list, extra: list, rng: random.Random, start: int) -> list:
    """``base[:start]`` first (the most common words), then the rest of ``base`` shuffled with
    twice as many formed words, then the remaining formed words (the long tail)."""
    mixed_len = 3 * (len(base) - start)
    mixed = base[start:] + extra[: mixed_len - (len(base) - start)]
    rng.shuffle(mixed)
    return base[:start] + mixed + extra[mixed_len - (len(base) - start) :]


@functools.cache
def lexicon(lang: str) -> Lexicon:
    """The (fixed, seed-independent) vocabulary of ``lang``."""
    rng = random.Random(f"kbgen-bench-lexicon:{lang}")
    if lang == "de":
        nouns = _dedupe(Noun(*t.split("/")) for t in DE_NOUNS.split())
        verbs = _dedupe(Verb(*t.split("/")) for t in DE_VERBS.split())
        adjs = _dedupe(DE_ADJECTIVES.split())
    else:
        nouns = _dedupe(Noun(t) for t in EN_NOUNS.split())
        verbs = _dedupe(Verb(*t.split("/")) for t in EN_VERBS.split())
        adjs = _dedupe(EN_ADJECTIVES.split())
    # Common words first in a stable but mixed order (the lists above are grouped by topic).
    rng.shuffle(nouns)
    rng.shuffle(verbs)
    rng.shuffle(adjs)

    # Word formation: the long tail, enumerated then shuffled.
    seen = {n.word.lower() for n in nouns}
    if lang == "de":
        candidates = [
            Noun(x.stem + y.word.lower(), y.gender) for x in nouns for y in nouns if x is not y
        ]
    else:
        candidates = [
            Noun(x.word + y.word)
            for x in nouns
            if len(x.word) <= 8
            for y in nouns
            if x.word != y.word
        ]
    rng.shuffle(candidates)
    formed_nouns: list[Noun] = []
    for noun in candidates:
        if noun.word.lower() not in seen:
            seen.add(noun.word.lower())
            formed_nouns.append(noun)
    if lang == "de":  # three-part compounds: Kunden|konto|einstellung
        count = len(nouns)
        while len(formed_nouns) < POOL_SIZE["nouns"] - len(nouns):
            x, y, z = (nouns[rng.randrange(count)] for _ in range(3))
            noun = Noun(x.stem + Noun(y.word.lower(), y.gender).stem + z.word.lower(), z.gender)
            if noun.word.lower() not in seen:
                seen.add(noun.word.lower())
                formed_nouns.append(noun)
    formed_nouns = formed_nouns[: POOL_SIZE["nouns"] - len(nouns)]

    formed_verbs: list[Verb] = []
    vseen = {v.inf for v in verbs}
    for prefix in DE_SEPARABLE if lang == "de" else EN_VERB_PREFIXES:
        for v in verbs:
            if lang == "de" and (
                any(v.inf.startswith(p) for p in DE_SEPARABLE)
                or v.inf.startswith(("be", "ver", "er", "ent", "zer", "über"))
            ):
                continue
            if lang == "en" and v.inf.startswith(tuple(EN_VERB_PREFIXES)):
                continue
            verb = Verb(prefix + v.inf, prefix + v.part)
            if verb.inf not in vseen:
                vseen.add(verb.inf)
                formed_verbs.append(verb)
    rng.shuffle(formed_verbs)

    if lang == "de":
        formed = ["un" + a for a in adjs if not a.startswith("un")]
        formed += [x.stem.lower() + suffix for x in nouns for suffix in DE_ADJ_SUFFIXES]
    else:
        formed = [
            (v.inf[:-1] if v.inf.endswith("e") and not v.inf.endswith(("ce", "ge")) else v.inf)
            + "able"
            for v in verbs
        ]
        formed += [
            x.word + suffix for x in nouns for suffix in ("less", "ready", "wide", "free", "based")
        ]
    aseen = set(adjs)
    formed_adjs = [a for a in dict.fromkeys(formed) if a not in aseen]
    rng.shuffle(formed_adjs)

    brands = _brands(rng, POOL_SIZE["brands"])
    codes = _codes(rng, POOL_SIZE["codes"])

    lex = Lexicon(
        lang,
        nouns=_interleave(nouns, formed_nouns, rng, len(nouns) // 2),
        verbs=_interleave(verbs, formed_verbs, rng, len(verbs) * 2 // 3),
        adjectives=_interleave(adjs, formed_adjs, rng, len(adjs) * 2 // 3),
        brands=brands,
        codes=codes,
    )
    lex.weights(ZIPF[lang])
    return lex


# -- sentences ---------------------------------------------------------------------------------

DE_ART = {
    "nom": {"m": "der", "f": "die", "n": "das"},
    "akk": {"m": "den", "f": "die", "n": "das"},
    "dat": {"m": "dem", "f": "der", "n": "dem"},
}
DE_ART_END = {
    "nom": {"m": "e", "f": "e", "n": "e"},
    "akk": {"m": "en", "f": "e", "n": "e"},
    "dat": {"m": "en", "f": "en", "n": "en"},
}
DE_POSS = {
    "nom": {"m": "Ihr", "f": "Ihre", "n": "Ihr"},
    "akk": {"m": "Ihren", "f": "Ihre", "n": "Ihr"},
    "dat": {"m": "Ihrem", "f": "Ihrer", "n": "Ihrem"},
}
DE_POSS_END = {
    "nom": {"m": "er", "f": "e", "n": "es"},
    "akk": {"m": "en", "f": "e", "n": "es"},
    "dat": {"m": "en", "f": "en", "n": "en"},
}

DE_SENTENCES = """
Sie können {AKK} jederzeit {V}.
Wenn Sie {AKK} {V} möchten, öffnen Sie zuerst {AKK}.
{NOM} wird automatisch {P}, sobald {NOM} {A} ist.
Bitte beachten Sie, dass {NOM} nur mit {DAT} {P} werden kann.
In den meisten Fällen ist {NOM} nach wenigen Minuten {A}.
Öffnen Sie {AKK} und wählen Sie {AKK} aus.
Danach können Sie {AKK} in {DAT} {V}.
Falls {NOM} nicht {A} ist, prüfen Sie bitte {AKK}.
{NOM} ist {A} und kann über {AKK} {P} werden.
Wir empfehlen, {AKK} regelmäßig zu prüfen.
Ohne {AKK} lässt sich {NOM} leider nicht {V}.
Für {AKK} gelten besondere Regeln.
{NOM} hängt von {DAT} und {DAT} ab.
Sobald {NOM} {P} wurde, erhalten Sie eine Bestätigung per E-Mail.
Das dauert in der Regel {NUM} Werktage.
Die Kosten für {AKK} betragen {PRICE}.
Tritt der Fehler {CODE} auf, ist {NOM} meist {A}.
Bei {DAT} von {BRAND} ist {NOM} bereits {P}.
Haben Sie {AKK} schon {P}?
Nein, {NOM} bleibt {A}.
{NOM} und {NOM} werden getrennt {P}.
Achten Sie darauf, dass {NOM} {A} bleibt, bis {NOM} {P} ist.
Wenn {NOM} fehlt, wenden Sie sich bitte an unseren Kundenservice.
Im Bereich {N} finden Sie {AKK} und {AKK}.
Dort sehen Sie auch, ob {NOM} {A} ist.
Anschließend wird {NOM} innerhalb von {NUM} Tagen {P}.
Mit {DAT} können Sie {AKK} schnell {V}.
Tipp: {NOM} lässt sich auch in {DAT} {V}.
Wichtig ist, dass {NOM} vor {DAT} {P} wird.
Erst danach ist {NOM} {A}.
Das Modell {BRAND} {CODE} unterstützt {AKK} ab Version {NUM}.{NUM}.
Manche Kundinnen und Kunden möchten {AKK} lieber später {V}; auch das ist möglich.
Sie erhalten {AKK} per E-Mail, sobald {NOM} {P} ist.
Ist {NOM} {A}, können Sie {AKK} direkt in {DAT} {V}.
Für {AKK} benötigen Sie {AKK} und gegebenenfalls {AKK}.
Die Änderung gilt ab {DAT} und betrifft auch {AKK}.
Sollte {NOM} weiterhin {A} sein, hilft oft ein Blick in {AKK}.
"""

DE_SHORT = ["Ja, das geht.", "Das ist kostenlos.", "Fertig.", "Das war's schon.", "Nein."]

DE_STEPS = """
Öffnen Sie {AKK}.
Wählen Sie {AKK} aus.
Klicken Sie auf {AKK}.
Geben Sie {AKK} ein.
Tippen Sie auf {AKK}.
Bestätigen Sie {AKK} mit {DAT}.
Prüfen Sie, ob {NOM} {A} ist.
Speichern Sie {AKK}.
Melden Sie sich mit {DAT} an.
Wechseln Sie zu {DAT}.
"""

DE_BULLETS = """
{N}: {A}
{NOM} für {AKK}
{N} und {N}
{NOM} ist {A}.
{N} ({A})
bis zu {NUM} {N}
{BRAND} {CODE}
"""

DE_TITLES = """
Wie kann ich {AKK} {V}?
Warum wird {NOM} nicht {P}?
Was ist {NOM}?
Was kostet {NOM}?
Wo finde ich {AKK}?
Kann ich {AKK} {V}?
Wann wird {NOM} {P}?
Was tun, wenn {NOM} {A} ist?
Wie lange dauert {NOM}?
Warum ist {NOM} {A}?
Was bedeutet Fehler {CODE} bei {DAT}?
Wie kann ich {AKK} mit {DAT} {V}?
"""

DE_HEADINGS = """
{N} {V}
Wie kann ich {AKK} {V}?
Was passiert mit {DAT}?
{N} und {N}
Voraussetzungen
Häufige Fragen
Kosten und Dauer
Schritt {NUM}: {N} {V}
Wenn {NOM} {A} ist
So funktioniert {NOM}
{N} bei {BRAND}
"""

DE_DESCRIPTIONS = """
Hier erfahren Sie, wie Sie {AKK} {V} und was Sie dabei beachten sollten.
So {V} Sie {AKK} in wenigen Schritten.
Alles Wichtige zu {DAT} und {DAT}.
Was Sie tun können, wenn {NOM} {A} ist.
"""

DE_META = """
Alles rund um {AKK} und {AKK}.
Antworten zu {DAT}, {DAT} und {DAT}.
Fragen zu {DAT} und {DAT}.
"""

DE_LINKS = (
    "Mehr dazu lesen Sie unter [{T}]({U}).",
    "Siehe auch [{T}]({U}).",
    "Wie das geht, erklärt der Artikel [{T}]({U}).",
    "Weitere Informationen finden Sie in [{T}]({U}).",
)
DE_ADMONITIONS = (
    ("note", "Hinweis"),
    ("tip", "Tipp"),
    ("warning", "Achtung"),
    ("info", "Gut zu wissen"),
)
DE_TABLE_COLUMNS = (
    "Option",
    "Beschreibung",
    "Kosten",
    "Dauer",
    "Verfügbar",
    "Hinweis",
    "Land",
    "Zahlungsart",
)
DE_CATEGORIES = (
    "Bestellung",
    "Versand & Lieferung",
    "Rücksendung & Umtausch",
    "Zahlung & Rechnung",
    "Kundenkonto",
    "Garantie & Reklamation",
    "Produkte & Pflege",
    "Montage & Aufbau",
    "Gutscheine & Aktionen",
    "Datenschutz & Sicherheit",
    "App & Website",
    "Filialen & Abholung",
    "Geschäftskunden",
    "Ersatzteile & Zubehör",
    "Newsletter & Benachrichtigungen",
    "Lieferung per Spedition",
    "Technische Fragen",
    "Abonnements",
    "Finanzierung",
    "Nachhaltigkeit",
    "Service & Kontakt",
    "Mein Konto verwalten",
    "Produktsicherheit",
    "Internationale Bestellungen",
)

EN_SENTENCES = """
You can {V} {NP} at any time.
If you want to {V} {NP}, open {NP} first.
{NP} is {P} automatically as soon as {NP} is {A}.
Please note that {NP} can only be {P} with {NP}.
In most cases, {NP} is {A} within a few minutes.
Open {NP} and select {NP}.
After that, you can {V} {NP} in {NP}.
If {NP} is not {A}, please check {NP}.
{NP} is {A} and can be {P} from {NP}.
We recommend that you check {NP} regularly.
Without {NP}, {NP} cannot be {P}.
Special rules apply to {NP}.
{NP} depends on {NP} and {NP}.
Once {NP} has been {P}, you will receive a confirmation by email.
This usually takes {NUM} business days.
The cost of {NP} is {PRICE}.
If error {CODE} appears, {NP} is usually {A}.
For {NP} from {BRAND}, {NP} is already {P}.
Have you already {P} {NP}?
No, {NP} stays {A}.
{NP} and {NP} are {P} separately.
Make sure that {NP} stays {A} until {NP} is {P}.
If {NP} is missing, please contact our customer service.
In the {N} area, you will find {NP} and {NP}.
There you can also see whether {NP} is {A}.
{NP} is then {P} within {NUM} days.
With {NP}, you can {V} {NP} quickly.
Tip: you can also {V} {NP} in {NP}.
It is important that {NP} is {P} before {NP}.
Only then is {NP} {A}.
The {BRAND} {CODE} model supports {NP} from version {NUM}.{NUM} onwards.
Some customers prefer to {V} {NP} later; that works too.
You will receive {NP} by email as soon as {NP} is {P}.
If {NP} is {A}, you can {V} {NP} directly in {NP}.
To {V} {NP}, you need {NP} and possibly {NP}.
The change applies from {NP} onwards and also affects {NP}.
If {NP} is still {A}, it often helps to look at {NP}.
"""

EN_SHORT = ["Yes, you can.", "This is free.", "Done.", "That's it.", "No."]

EN_STEPS = """
Open {NP}.
Select {NP}.
Click {NP}.
Enter {NP}.
Tap {NP}.
Confirm {NP} with {NP}.
Check whether {NP} is {A}.
Save {NP}.
Sign in with {NP}.
Go to {NP}.
"""

EN_BULLETS = """
{N}: {A}
{NP} for {NP}
{N} and {N}
{NP} is {A}.
{N} ({A})
up to {NUM} {N}
{BRAND} {CODE}
"""

EN_TITLES = """
How do I {V} {NP}?
Why is {NP} not {P}?
What is {NP}?
How much does {NP} cost?
Where can I find {NP}?
Can I {V} {NP}?
When will {NP} be {P}?
What if {NP} is {A}?
How long does {NP} take?
Why is {NP} {A}?
What does error {CODE} mean for {NP}?
How do I {V} {NP} with {NP}?
"""

EN_HEADINGS = """
{V} {NP}
How do I {V} {NP}?
What happens to {NP}?
{N} and {N}
Requirements
Frequently asked questions
Costs and duration
Step {NUM}: {V} {NP}
If {NP} is {A}
How {NP} works
{N} with {BRAND}
"""

EN_DESCRIPTIONS = """
Learn how to {V} {NP} and what to check first.
How to {V} {NP} in a few steps.
Everything you need to know about {NP} and {NP}.
What you can do when {NP} is {A}.
"""

EN_META = """
Everything about {NP} and {NP}.
Answers about {NP}, {NP} and {NP}.
Questions about {NP} and {NP}.
"""

EN_LINKS = (
    "For details, see [{T}]({U}).",
    "See also [{T}]({U}).",
    "The article [{T}]({U}) explains how.",
    "You can find more information in [{T}]({U}).",
)
EN_ADMONITIONS = (
    ("note", "Note"),
    ("tip", "Tip"),
    ("warning", "Warning"),
    ("info", "Good to know"),
)
EN_TABLE_COLUMNS = (
    "Option",
    "Description",
    "Cost",
    "Duration",
    "Available",
    "Note",
    "Country",
    "Payment method",
)
EN_CATEGORIES = (
    "Orders",
    "Shipping & Delivery",
    "Returns & Exchanges",
    "Payments & Invoices",
    "Your Account",
    "Warranty & Claims",
    "Products & Care",
    "Assembly",
    "Vouchers & Promotions",
    "Privacy & Security",
    "App & Website",
    "Stores & Pickup",
    "Business Customers",
    "Spare Parts & Accessories",
    "Newsletter & Notifications",
    "Freight Delivery",
    "Technical Questions",
    "Subscriptions",
    "Financing",
    "Sustainability",
    "Service & Contact",
    "Managing Your Account",
    "Product Safety",
    "International Orders",
)


def _lines(block: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


@dataclass(frozen=True)
class Language:
    code: str
    sentences: tuple[str, ...]
    short: tuple[str, ...]
    steps: tuple[str, ...]
    bullets: tuple[str, ...]
    titles: tuple[str, ...]
    headings: tuple[str, ...]
    descriptions: tuple[str, ...]
    meta: tuple[str, ...]
    links: tuple[str, ...]
    admonitions: tuple[tuple[str, str], ...]
    table_columns: tuple[str, ...]
    categories: tuple[str, ...]
    yes_no: tuple[str, str]
    days: str
    intro_title: str
    intro_text: str


LANGUAGES = {
    "de": Language(
        "de",
        _lines(DE_SENTENCES),
        tuple(DE_SHORT),
        _lines(DE_STEPS),
        _lines(DE_BULLETS),
        _lines(DE_TITLES),
        _lines(DE_HEADINGS),
        _lines(DE_DESCRIPTIONS),
        _lines(DE_META),
        DE_LINKS,
        DE_ADMONITIONS,
        DE_TABLE_COLUMNS,
        DE_CATEGORIES,
        ("ja", "nein"),
        "Werktage",
        "Hilfe-Center",
        "Willkommen im Hilfe-Center. Geben Sie Ihre Frage oben in die Suche ein oder stöbern Sie "
        "in den Kategorien.",
    ),
    "en": Language(
        "en",
        _lines(EN_SENTENCES),
        tuple(EN_SHORT),
        _lines(EN_STEPS),
        _lines(EN_BULLETS),
        _lines(EN_TITLES),
        _lines(EN_HEADINGS),
        _lines(EN_DESCRIPTIONS),
        _lines(EN_META),
        EN_LINKS,
        EN_ADMONITIONS,
        EN_TABLE_COLUMNS,
        EN_CATEGORIES,
        ("yes", "no"),
        "business days",
        "Help Center",
        "Welcome to the help center. Type your question into the search above or browse the "
        "categories.",
    ),
}

_SLOT = re.compile(r"\{([A-Z]+)\}")
_DE_CONTRACT = re.compile(r"\b([Zz]u|[Ii]n|[Vv]on|[Bb]ei) (dem|der) ")
_CONTRACTIONS = {
    ("zu", "dem"): "zum",
    ("zu", "der"): "zur",
    ("in", "dem"): "im",
    ("von", "dem"): "vom",
    ("bei", "dem"): "beim",
}


def _contract(match: re.Match) -> str:
    prep, art = match.group(1), match.group(2)
    short = _CONTRACTIONS.get((prep.lower(), art))
    if short is None:
        return match.group(0)
    return (short.capitalize() if prep[0].isupper() else short) + " "


class Writer:
    """Fills templates of one language with words drawn from its lexicon."""

    def __init__(self, lang: str, rng: random.Random) -> None:
        self.lang = lang
        self.L = LANGUAGES[lang]
        self.lex = lexicon(lang)
        self.rng = rng

    # slots
    def noun(self) -> Noun:
        return self.lex.pick(self.rng, "nouns")

    def adj(self) -> str:
        return self.lex.pick(self.rng, "adjectives")

    def verb(self) -> Verb:
        return self.lex.pick(self.rng, "verbs")

    def np_de(self, case: str) -> str:
        n = self.noun()
        r = self.rng.random()
        if r < 0.3:
            det, ends = DE_POSS[case][n.gender], DE_POSS_END[case][n.gender]
        else:
            det, ends = DE_ART[case][n.gender], DE_ART_END[case][n.gender]
        if self.rng.random() < 0.22:
            a = self.adj()
            if ends.startswith("e") and a.endswith("e"):
                ends = ends[1:]
            return f"{det} {a}{ends} {n.word}"
        return f"{det} {n.word}"

    def np_en(self) -> str:
        n = self.noun().word
        r = self.rng.random()
        words = [self.adj(), n] if self.rng.random() < 0.22 else [n]
        if r < 0.55:
            return "the " + " ".join(words)
        if r < 0.85:
            return "your " + " ".join(words)
        return ("an " if words[0][0] in "aeiou" else "a ") + " ".join(words)

    def _slot(self, match: re.Match) -> str:
        name = match.group(1)
        rng = self.rng
        if name == "N":
            return self.noun().word
        if name == "V":
            return self.verb().inf
        if name == "P":
            return self.verb().part
        if name == "A":
            return self.adj()
        if name in ("NOM", "AKK", "DAT"):
            return self.np_de(name.lower()) if self.lang == "de" else self.np_en()
        if name == "NP":
            return self.np_en() if self.lang == "en" else self.np_de("akk")
        if name == "NUM":
            return str(rng.choice((1, 2, 2, 3, 3, 4, 5, 7, 10, 14, 30)))
        if name == "PRICE":
            euros = rng.choice((0, 2, 4, 5, 9, 19, 29, 49, 99))
            cents = rng.choice((0, 50, 90, 95, 99))
            return f"{euros},{cents:02d} €" if self.lang == "de" else f"€{euros}.{cents:02d}"
        if name == "CODE":
            return self.lex.pick(rng, "codes")
        if name == "BRAND":
            return self.lex.pick(rng, "brands")
        raise KeyError(name)

    def fill(self, template: str) -> str:
        text = _SLOT.sub(self._slot, template)
        if self.lang == "de":
            text = _DE_CONTRACT.sub(_contract, text)
        return text[0].upper() + text[1:]

    # blocks
    def sentence(self, max_words: int | None = None) -> str:
        if max_words is not None and max_words < 4:
            return self.rng.choice(self.L.short)
        for _ in range(6):
            text = self.fill(self.rng.choice(self.L.sentences))
            if max_words is None or _count(text) <= max_words + 2:
                return text
        return text

    def paragraph(self, budget: int) -> str:
        parts, used = [], 0
        while used < budget - 2 or not parts:
            s = self.sentence(budget - used)
            parts.append(s)
            used += _count(s)
            if len(parts) > 12:
                break
        return " ".join(parts)

    def items(self, templates: Sequence[str], n: int) -> list[str]:
        return [self.fill(self.rng.choice(templates)) for _ in range(n)]

    def bullets(self) -> str:
        return "\n".join("- " + item for item in self.items(self.L.bullets, self.rng.randint(3, 7)))

    def steps(self) -> str:
        items = self.items(self.L.steps, self.rng.randint(3, 8))
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))

    def table(self) -> str:
        rng = self.rng
        cols = rng.sample(self.L.table_columns, rng.randint(2, 4))
        rows = []
        for _ in range(rng.randint(3, 8)):
            cells = []
            for c, _name in enumerate(cols):
                kind = rng.random()
                if c == 0:
                    cells.append(self.noun().word)
                elif kind < 0.25:
                    cells.append(self.fill("{PRICE}"))
                elif kind < 0.45:
                    cells.append(f"{rng.randint(1, 10)}–{rng.randint(11, 30)} {self.L.days}")
                elif kind < 0.6:
                    cells.append(rng.choice(self.L.yes_no))
                else:
                    cells.append(self.fill("{A}"))
            rows.append(cells)
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)

    def admonition(self) -> str:
        kind, title = self.rng.choice(self.L.admonitions)
        text = self.paragraph(self.rng.randint(10, 35))
        return f'!!! {kind} "{title}"\n\n    {text}'

    def title(self) -> str:
        return self.fill(self.rng.choice(self.L.titles))

    def heading(self) -> str:
        return self.fill(self.rng.choice(self.L.headings))


# -- articles and the help center --------------------------------------------------------------

_TRANSLIT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slug(text: str, limit: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0] or text[:limit]
    return text or "x"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _qlist(values: Sequence[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


@dataclass
class Planned:
    """What later articles need to know about an earlier one."""

    id: str
    title: str
    path: str  # relative to the root, posix
    anchors: tuple[str, ...]


@dataclass
class Folder:
    slug: str
    title: str
    description: str
    order: int
    lang: str
    section_of: str | None = None


@dataclass
class Stats:
    articles: int = 0
    words: int = 0
    links: int = 0
    anchored_links: int = 0
    related: int = 0
    headings: int = 0
    tables: int = 0
    admonitions: int = 0
    lists: int = 0
    promoted: int = 0
    bytes: int = 0


def _structure(
    n_lang: int, lang: str, seed: int, lang_pos: int, n_langs: int, used: set[str]
) -> tuple[list[Folder], list[tuple[str, int]]]:
    """Folders of one language and, per article index, (folder slug, order)."""
    rng = random.Random(f"{seed}:structure:{lang}:{n_lang}")
    writer = Writer(lang, rng)
    L = LANGUAGES[lang]
    # A fixed number of categories from ~1,000 articles on (12 per language): help centers grow
    # by sections and articles, and page sizes of different N stay comparable.
    n_cat = max(1, min(12, n_lang // 40))
    weights = [rng.uniform(0.5, 1.5) for _ in range(n_cat)]
    sizes = _split(n_lang, weights)
    folders: list[Folder] = []
    placement: list[tuple[str, int]] = []
    for c, size in enumerate(sizes):
        base = L.categories[c] if c < len(L.categories) else writer.fill("{N}")
        cat_slug = _unique_slug(slug(base, 40), used, lang)
        cat = Folder(
            cat_slug, base, writer.fill(rng.choice(L.meta)), c * n_langs + lang_pos + 1, lang
        )
        folders.append(cat)
        first = len(placement)  # index k of the category's first article
        members = range(first, first + size)
        # About 10 % of the articles sit in the category itself, the rest in sections. Whether
        # an article is one of them depends on (seed, lang, k) only, so an article keeps its
        # folder depth (and its pages their relative URLs) at every N.
        top = [k for k in members if random.Random(f"{seed}:depth:{lang}:{k}").random() < 0.1]
        n_sec = 0 if size < 12 else max(1, min(40, round(size / rng.uniform(15, 40))))
        if n_sec == 0:
            top = list(members)
        top_set = set(top)
        rest = [k for k in members if k not in top_set]
        slots: dict[int, tuple[str, int]] = {k: (cat_slug, i + 1) for i, k in enumerate(top)}
        if n_sec:
            sec_sizes = _split(len(rest), [rng.uniform(0.4, 1.6) for _ in range(n_sec)])
            sec_used: set[str] = set()
            start = 0
            for s, sec_size in enumerate(sec_sizes):
                joined = "{N} und {N}" if lang == "de" else "{N} and {N}"
                title = writer.fill("{N}" if rng.random() < 0.6 else joined)
                sec_slug = cat_slug + "/" + _unique_slug(slug(title, 40), sec_used, "")
                folders.append(
                    Folder(sec_slug, title, writer.fill(rng.choice(L.meta)), s + 1, lang, cat_slug)
                )
                for i, k in enumerate(rest[start : start + sec_size]):
                    slots[k] = (sec_slug, i + 1)
                start += sec_size
        placement += [slots[k] for k in members]
    return folders, placement


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split into len(weights) parts proportional to weights (each >= 0, sum exact)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[
        : total - sum(parts)
    ]:
        parts[i] += 1
    return parts


def _unique_slug(base: str, used: set[str], suffix: str) -> str:
    candidate = base
    n = 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{suffix}{n}" if suffix else f"{base}-{n}"
    used.add(candidate)
    return candidate


def _meta_yml(folder: Folder) -> str:
    return (
        f"title: {_q(folder.title)}\n"
        f"description: {_q(folder.description)}\n"
        f"icon: material/folder-outline\n"
        f"order: {folder.order}\n"
    )


def article_rng(seed: int, lang: str, k: int) -> random.Random:
    return random.Random(f"{seed}:article:{lang}:{k}")


def _article(
    k: int,
    lang: str,
    seed: int,
    folder: str,
    order: int,
    earlier: list[Planned],
    table: Sequence[int],
    ids: set[str],
    files: set[str],
    stats: Stats,
) -> tuple[Planned, str]:
    """One article: its plan (for later links) and its file text. Content depends only on
    (seed, lang, k) and on earlier articles' titles and anchors."""
    rng = article_rng(seed, lang, k)
    w = Writer(lang, rng)
    L = w.L
    title = w.title()
    target = sample_length(rng, table)
    description = w.fill(rng.choice(L.descriptions))
    keywords = []
    for _ in range(rng.randint(2, 5)):
        r = rng.random()
        if r < 0.6:
            keywords.append(w.noun().word)
        elif r < 0.85:
            keywords.append(w.fill("{N} {V}"))
        else:
            keywords.append(w.lex.pick(rng, "brands"))
    keywords = list(dict.fromkeys(keywords))
    tag_pool = lexicon(lang).nouns[:40]
    tags = sorted({slug(rng.choice(tag_pool).word, 30) for _ in range(rng.randint(1, 3))})
    promoted = rng.random() < 0.01
    day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1800))
    review = day + dt.timedelta(days=rng.choice((180, 365, 730))) if rng.random() < 0.3 else None

    # related: earlier articles, mostly neighbours (same section), sometimes anywhere
    related: list[str] = []
    if k:
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            j = rng.randrange(max(0, k - 25), k) if rng.random() < 0.7 else rng.randrange(k)
            if earlier[j].id not in related:
                related.append(earlier[j].id)

    # links: about one per 250 words, to earlier articles
    expected = min(3.0, target / 250)
    n_links = int(expected) + (rng.random() < expected - int(expected))
    link_targets: list[tuple[Planned, str]] = []
    if k:
        for _ in range(n_links):
            j = rng.randrange(max(0, k - 25), k) if rng.random() < 0.5 else rng.randrange(k)
            p = earlier[j]
            anchor = rng.choice(p.anchors) if p.anchors and rng.random() < 0.5 else ""
            link_targets.append((p, anchor))

    # id and file name
    base_id = slug(title, 48)
    art_id = f"{base_id}-{lang}{k}"
    while art_id in ids:
        art_id += "x"
    ids.add(art_id)
    name = slug(title, 60)
    path = f"{folder}/{name}.md"
    n = 1
    while path in files:
        n += 1
        path = f"{folder}/{name}-{n}.md"
    files.add(path)

    # body
    link_sentences = []
    for p, anchor in link_targets:
        url = posixpath.relpath(p.path, folder) + (f"#{anchor}" if anchor else "")
        link_sentences.append(rng.choice(L.links).replace("{T}", p.title).replace("{U}", url))
    link_words = sum(_count(s) for s in link_sentences)
    if link_words > target // 2:
        link_sentences, link_targets, link_words = [], [], 0
    budget = max(1, target - link_words)

    blocks: list[str] = []
    kinds: list[str] = []  # parallel to blocks: p (paragraph), h, other
    used = 0

    def add(block: str, kind: str) -> None:
        nonlocal used
        blocks.append(block)
        kinds.append(kind)
        used += _count(block)

    intro = w.paragraph(min(budget, rng.randint(12, 45)))
    add(intro, "p")
    anchors: list[str] = []
    n_head = 0 if budget < 60 else max(1, min(40, round(budget / rng.uniform(80, 170))))
    n_tables = (budget >= 150 and rng.random() < 0.15) + (budget >= 1500 and rng.random() < 0.4)
    n_adm = (budget >= 40 and rng.random() < 0.25) + (budget >= 1000 and rng.random() < 0.3)
    table_at = {rng.randrange(max(1, n_head)) for _ in range(n_tables)}
    adm_at = {rng.randrange(max(1, n_head)) for _ in range(n_adm)}
    used_anchor: set[str] = set()
    for h in range(max(1, n_head)):
        if n_head:
            text = w.heading()
            line = f"## {text}"
            if rng.random() < 0.3:
                anchor = _unique_slug(slug(text, 40), used_anchor, "")
                anchors.append(anchor)
                line += f" {{#{anchor}}}"
            add(line, "h")
            stats.headings += 1
        end = used + (budget - used) / (max(1, n_head) - h)
        first = True
        since_h3 = 0
        while used < end - 3 or first:
            remaining = int(end - used)
            if h in table_at and remaining > 20:
                table_at.discard(h)
                add(w.table(), "o")
                stats.tables += 1
                continue
            if h in adm_at:
                adm_at.discard(h)
                add(w.admonition(), "o")
                stats.admonitions += 1
                continue
            if since_h3 > 250 and remaining > 150:
                add("### " + w.heading(), "h")
                stats.headings += 1
                since_h3 = 0
            r = rng.random()
            before = used
            if first or r < 0.62 or remaining < 25:
                add(w.paragraph(min(remaining, rng.randint(25, 90))), "p")
            elif r < 0.81:
                add(w.bullets(), "o")
                stats.lists += 1
            else:
                add(w.steps(), "o")
                stats.lists += 1
            since_h3 += used - before
            first = False
    # put link sentences at the end of paragraphs
    paragraphs = [i for i, kind in enumerate(kinds) if kind == "p"]
    for s in link_sentences:
        i = rng.choice(paragraphs)
        blocks[i] += " " + s
        used += _count(s)
        stats.links += 1
    stats.anchored_links += sum(1 for _, a in link_targets if a)
    body = "\n\n".join(blocks)

    fm = [
        "---",
        f"title: {_q(title)}",
        f"id: {art_id}",
        f"description: {_q(description)}",
        f"keywords: {_qlist(keywords)}",
        f"tags: {_qlist(tags)}",
        f"promoted: {'true' if promoted else 'false'}",
        f"order: {order}",
        f"related: {_qlist(related)}",
        f"updated: {day.isoformat()}",
    ]
    if review:
        fm.append(f"review_by: {review.isoformat()}")
    fm += [f"lang: {lang}", "---", ""]
    text = "\n".join(fm) + "\n" + body + "\n"
    stats.articles += 1
    stats.related += len(related)
    stats.promoted += promoted
    stats.words += used
    return Planned(art_id, title, path, tuple(anchors)), text


def generate(
    root: Path,
    n: int,
    *,
    seed: int = 1,
    langs: Sequence[str] = LANGS,
    corpora: Path | str | None = None,
) -> dict:
    """Write a help center of ``n`` articles into ``root`` (created; must be empty if it
    exists) and return statistics. Articles alternate between ``langs``; each category holds
    one language. ``corpora``: folder holding the real corpora to measure lengths from
    (default: ``$KBGEN_CORPORA`` or shared/corpora beside the repository); the built-in table
    is used for a language whose corpus is absent."""
    started = time.perf_counter()
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} exists and is not empty")
    if n < 1:
        raise ValueError("n must be at least 1")
    langs = tuple(langs)
    for lang in langs:
        if lang not in LANGUAGES:
            raise ValueError(f"no generator for language {lang!r} (have: {', '.join(LANGUAGES)})")
    root.mkdir(parents=True, exist_ok=True)
    stats = Stats()
    ids: set[str] = set()
    files: set[str] = set()
    used_slugs: set[str] = set()
    folders_total = sections = 0
    per_lang: dict[str, dict] = {}
    distinct: dict[str, set[str]] = {}
    root_lang = langs[0]
    (root / "index.md").write_text(
        f"---\ntitle: {_q(LANGUAGES[root_lang].intro_title)}\nlang: {root_lang}\n---\n\n"
        f"{LANGUAGES[root_lang].intro_text}\n",
        encoding="utf-8",
    )
    for pos, lang in enumerate(langs):
        n_lang = len(range(pos, n, len(langs)))
        if n_lang == 0:
            continue
        table, source = length_quantiles(lang, str(corpora) if corpora else None)
        folders, placement = _structure(n_lang, lang, seed, pos, len(langs), used_slugs)
        for folder in folders:
            d = root / folder.slug
            d.mkdir(parents=True, exist_ok=True)
            (d / "_meta.yml").write_text(_meta_yml(folder), encoding="utf-8")
            folders_total += 1
            sections += folder.section_of is not None
        earlier: list[Planned] = []
        words_before = stats.words
        lengths = []
        vocab = distinct.setdefault(lang, set())
        for k in range(n_lang):
            folder, order = placement[k]
            before = stats.words
            plan, text = _article(k, lang, seed, folder, order, earlier, table, ids, files, stats)
            lengths.append(stats.words - before)
            earlier.append(plan)
            data = text.encode("utf-8")
            (root / plan.path).write_bytes(data)
            stats.bytes += len(data)
            vocab.update(w.lower() for w in words_of(text))
        lengths.sort()
        per_lang[lang] = {
            "articles": n_lang,
            "categories": sum(1 for f in folders if f.section_of is None),
            "sections": sum(1 for f in folders if f.section_of is not None),
            "words": stats.words - words_before,
            "length_source": source,
            "length_target_quantiles": dict(zip(map(str, QUANTILE_PROBS), table, strict=True)),
            "length_quantiles": {
                str(p): q
                for p, q in zip(
                    (0.1, 0.5, 0.9, 0.99, 1.0),
                    quantiles_of(lengths, (0.1, 0.5, 0.9, 0.99, 1.0)),
                    strict=True,
                )
            },
            "distinct_words": len(vocab),
        }
    return {
        "root": str(root),
        "seed": seed,
        "langs": list(langs),
        "articles": stats.articles,
        "categories": folders_total - sections,
        "sections": sections,
        "words": stats.words,
        "distinct_words": sum(len(v) for v in distinct.values()),
        "links": stats.links,
        "anchored_links": stats.anchored_links,
        "related": stats.related,
        "headings": stats.headings,
        "tables": stats.tables,
        "admonitions": stats.admonitions,
        "lists": stats.lists,
        "promoted": stats.promoted,
        "bytes": stats.bytes,
        "by_lang": per_lang,
        "seconds": round(time.perf_counter() - started, 3),
    }


def paragraph(lang: str, rng: random.Random, words: int = 60) -> str:
    """A paragraph of about ``words`` words in ``lang`` (for benches that edit an article)."""
    return Writer(lang, rng).paragraph(words)


def calibration(
    lang: str, words: Sequence[int] = (50_000, 200_000, 1_000_000), seed: int = 1
) -> list[tuple[int, int]]:
    """(words, distinct kbgen index terms) of generated articles in ``lang`` (titles, keywords
    and bodies), to compare the vocabulary growth with the real corpora's (needs kbgen)."""
    from kbgen.search.analysis import analyze

    table, _ = length_quantiles(lang)
    seen: set[str] = set()
    out: list[tuple[int, int]] = []
    marks = sorted(words)
    earlier: list[Planned] = []
    ids: set[str] = set()
    files: set[str] = set()
    stats = Stats()
    k = 0
    while marks:
        plan, text = _article(k, lang, seed, "c", k + 1, earlier, table, ids, files, stats)
        earlier.append(plan)
        k += 1
        seen.update(analyze(" ".join(words_of(text)), lang))
        while marks and stats.words >= marks[0]:
            out.append((marks.pop(0), len(seen)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a seeded help-center corpus for kbgen benches."
    )
    parser.add_argument("out", type=Path, help="folder to write (created; must be empty)")
    parser.add_argument("--articles", "-n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--langs", default=",".join(LANGS), help="comma-separated (default: de,en)")
    parser.add_argument(
        "--corpora",
        type=Path,
        default=None,
        help="folder of the real corpora for lengths (default: shared/corpora)",
    )
    parser.add_argument("--json", type=Path, help="also write the statistics here")
    args = parser.parse_args(argv)
    try:
        stats = generate(
            args.out,
            args.articles,
            seed=args.seed,
            langs=[x.strip() for x in args.langs.split(",") if x.strip()],
            corpora=args.corpora,
        )
    except (FileExistsError, ValueError) as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(stats, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(
        f"corpus: {stats['articles']} articles, {stats['words']:,} words, "
        f"{stats['categories']} categories, {stats['sections']} sections in {args.out} "
        f"({stats['seconds']} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
