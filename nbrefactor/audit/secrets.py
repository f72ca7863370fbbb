"""Secret patterns (from `rules/secrets.toml`), credential-like names, and redaction.

Every text a reporter shows passes through `redact`, whichever rule produced it: a secret must
never be printed in full, not even on the line of a finding about something else. `redact` masks
what the patterns match and also the values of credential-like assignments (`password = "…"`,
`%env DB_TOKEN=…`), which no pattern can recognise by shape alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Optional

from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.regex_screen import Screen, derive


@dataclass(frozen=True)
class SecretPattern:
    """A catalogued pattern of a secret (an API key, a token)."""

    id: str
    description: str
    regex: re.Pattern[str]
    # How many of (lower case, upper case, digit) the secret must mix: real keys are random, words
    # such as `sk-learn-pipeline-example` are not.
    min_classes: int = 0
    priority: int = 0  # position in the catalogue; earlier wins where two patterns overlap
    # Literals every match contains, derived from `regex` (None: none found; always search).
    screen: Optional[Screen] = None


@dataclass(frozen=True)
class SecretMatch:
    """A secret a pattern found in a text, and where."""

    pattern: SecretPattern
    start: int
    end: int
    value: str  # the secret itself (the pattern's `secret` group when it has one)
    value_start: int

    @property
    def value_end(self) -> int:
        return self.value_start + len(self.value)


# An environment variable's name used as the value (`api_key = "ANTHROPIC_API_KEY"  # replace …`):
# upper snake case ending in the kind of secret it names; no generated key looks like it.
_ENV_VARIABLE_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:API_)?(?:KEY|TOKEN|SECRET|PASSWORD)$")


@dataclass(frozen=True)
class Placeholders:
    """Values that stand for a secret without being one."""

    exact: frozenset[str]
    contains: tuple[str, ...]
    key_prefixes: tuple[str, ...] = ()  # `sk-`, `hf_`: a vendor's key format, then a placeholder

    def match(self, value: str) -> bool:
        text = value.strip()
        low = text.lower()
        if not text or low in self.exact:
            return True
        if len(set(low)) == 1:  # `xxxxxxxx`, `00000000`, `********`
            return True
        if _ENV_VARIABLE_NAME.match(text):  # `"OPENAI_API_KEY"`: where the key is, as in the docs
            return True
        if any(part in low for part in self.contains):
            return True
        # `"sk-foo"`, `"hf_xxx"`: what a key of that vendor looks like, filled with a placeholder.
        prefix = next((p for p in self.key_prefixes if low.startswith(p) and len(low) > len(p)), None)
        return prefix is not None and self.match(text[len(prefix):])


def patterns(catalog: Catalog) -> tuple[SecretPattern, ...]:
    # Derived once per catalogue: find_secrets runs for every cell and every finding's text.
    return catalog.derived("secrets.patterns", _patterns)


def _patterns(catalog: Catalog) -> tuple[SecretPattern, ...]:
    raw = tuple(
        (str(p["id"]), str(p.get("description", p["id"])), str(p["regex"]), int(p.get("min_classes", 0)))
        for p in catalog.table("secrets", "pattern", [])
        if isinstance(p, dict) and "id" in p and "regex" in p
    )
    return _compile(raw)


@lru_cache(maxsize=8)
def _compile(raw: tuple[tuple[str, str, str, int], ...]) -> tuple[SecretPattern, ...]:
    compiled = [(i, d, re.compile(r), c) for i, d, r, c in raw]
    return tuple(SecretPattern(i, d, rx, c, n, derive(rx)) for n, (i, d, rx, c) in enumerate(compiled))


def placeholders(catalog: Catalog) -> Placeholders:
    # Derived once per catalogue, as `patterns`: `_find_secrets` asks for every text it scans (4,225
    # on PDSH), and each ask built three tuples from the table to look `_placeholders` up by them.
    return catalog.derived("secrets.placeholders", _catalog_placeholders)


def _catalog_placeholders(catalog: Catalog) -> Placeholders:
    table = catalog.table("secrets", "placeholders", {}) or {}
    return _placeholders(
        tuple(table.get("exact", ())), tuple(table.get("contains", ())), tuple(table.get("key_prefixes", ()))
    )


@lru_cache(maxsize=8)
def _placeholders(exact: tuple[str, ...], contains: tuple[str, ...], key_prefixes: tuple[str, ...] = ()) -> Placeholders:
    return Placeholders(
        frozenset(e.lower() for e in exact), tuple(c.lower() for c in contains), tuple(k.lower() for k in key_prefixes)
    )


def _classes(value: str) -> int:
    return sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value)))


def find_secrets(text: str, catalog: Catalog) -> Iterator[SecretMatch]:
    """The secrets in `text`, in order of position, placeholders left out; where two patterns
    match overlapping text, the one listed first in the catalogue is kept."""
    # The same texts come back (a cell for SEC001, then for the notebook's known secrets, then
    # each finding's message and snippet through `redact`): 4 scans of each text on average.
    # Only short texts are kept (at most ~8 MB in all): memory stays flat over a batch.
    if len(text) > _MEMO_TEXT:
        yield from _find_secrets(text, catalog)
        return
    memo: dict[str, tuple[SecretMatch, ...]] = catalog.derived("secrets.found", lambda _: {})
    found = memo.get(text)
    if found is None:
        found = tuple(_find_secrets(text, catalog))
        if len(memo) >= _MEMO_TEXTS:
            memo.clear()
        memo[text] = found
    yield from found


_MEMO_TEXT, _MEMO_TEXTS = 4096, 2048


def _find_secrets(text: str, catalog: Catalog) -> Iterator[SecretMatch]:
    # Most texts contain none of a pattern's required literals: skip its search (regex_screen).
    lowered = text.lower() if text.isascii() else None
    gates = catalog.derived("secrets.gates", _text_gates)
    if gates is not None and lowered is not None:
        # (`_text_gates`: an ASCII text holding none of them is admitted by no pattern's screen)
        for gate in gates[0]:
            if gate in text:
                break
        else:
            for gate in gates[1]:
                if gate in lowered:
                    break
            else:
                return
    holders = placeholders(catalog)
    candidates: list[SecretMatch] = []
    for pattern in patterns(catalog):
        if pattern.screen is not None and not pattern.screen.admits(text, lowered):
            continue
        for m in pattern.regex.finditer(text):
            has_group = "secret" in pattern.regex.groupindex and m.group("secret")
            group = "secret" if has_group else 0
            value = m.group(group)
            if holders.match(value) or _classes(value) < pattern.min_classes:
                continue
            candidates.append(SecretMatch(pattern, m.start(), m.end(), value, m.start(group)))
    kept: list[SecretMatch] = []
    for match in sorted(candidates, key=lambda c: (c.pattern.priority, c.value_start)):
        if all(match.value_end <= k.value_start or match.value_start >= k.value_end for k in kept):
            kept.append(match)
    yield from sorted(kept, key=lambda c: (c.value_start, c.pattern.priority))


def _text_gates(catalog: Catalog) -> Optional[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Strings of which every required literal of every pattern's screen holds one, (exact, lower
    case), so that an ASCII text holding none of them (`gate in text`, `gate in text.lower()`) is
    admitted by no screen, and no pattern is searched in it (issue 15, thirtieth round: PDSH's 4,228
    texts, 24 admitted, were each tested against the 45 literals of 17 screens, one `admits` call
    per pattern). Literals sharing their first two characters are stood for by the longest string
    all of them hold (`xoxa-` … `xoxs-` by `xox`, the four Roboflow hosts by `.roboflow.com/`, the
    five `aws…secret` spellings by `secret`), and a gate holding another is left out. None when a
    pattern has no screen, or a screen asks `re` on ASCII texts too (non-ASCII case folding): every
    text then goes through each screen as before."""
    screens = [p.screen for p in patterns(catalog)]
    if any(s is None or (s.folded and not s.folded_ascii) or "" in s.exact or "" in s.folded for s in screens):
        return None  # (an empty literal admits every text)
    exact = _gates([literal for s in screens for literal in s.exact])
    folded = _gates([literal for s in screens for literal in s.folded])
    return exact, folded


def _gates(literals: list[str]) -> tuple[str, ...]:
    by_start: dict[str, list[str]] = {}
    for literal in dict.fromkeys(literals):
        by_start.setdefault(literal[:2], []).append(literal)
    gates: list[str] = []
    for members in by_start.values():
        common = _longest_common(members) if len(members) > 1 else ""
        gates.extend([common] if len(common) >= 2 else members)
    gates.sort(key=len)
    return tuple(g for k, g in enumerate(gates) if g and not any(o in g for o in gates[:k]))


def _longest_common(strings: list[str]) -> str:
    """The longest string every one of `strings` holds (the first of that length in the shortest)."""
    shortest = min(strings, key=len)
    for size in range(len(shortest), 0, -1):
        for start in range(len(shortest) - size + 1):
            piece = shortest[start:start + size]
            if all(piece in s for s in strings):
                return piece
    return ""


def mask(value: str) -> str:
    """Keep at most the first 4 characters so a person can tell which key it was."""
    keep = 4 if len(value) >= 12 else 0
    return value[:keep] + "*" * 8


# --- credential-like names (SEC003, and redaction of what no pattern recognises) ----------------


@dataclass(frozen=True)
class CredentialNames:
    """The catalogue's patterns of credential-like names."""

    names: re.Pattern[str]
    ignore: Optional[re.Pattern[str]]
    weak: Optional[re.Pattern[str]] = None  # `minio_key`: a credential only when the value looks generated
    weak_ignore: Optional[re.Pattern[str]] = None

    def match(self, name: str, value: Optional[str] = None) -> bool:
        """A credential-like name; with `value`, also a weak name (`*_key`) whose value mixes
        letters and digits like a generated key (`"minio123"`, not `"date"` or `"user_id"`)."""
        low = name.strip().lower()
        if not low:
            return False
        if self.names.search(low):
            return not (self.ignore is not None and self.ignore.search(low))
        if value is None or self.weak is None or not self.weak.search(low):
            return False
        if self.weak_ignore is not None and self.weak_ignore.search(low):
            return False
        return _looks_generated(value)


def _looks_generated(value: str) -> bool:
    text = value.strip()
    return (
        len(text) >= 6
        and any(c.isalpha() for c in text)
        and any(c.isdigit() for c in text)
        and not any(c in text for c in "/\\ ")
        and not _FILE_NAME.match(text)
        and (_mixed_run(text) or (any(c.isupper() for c in text) and any(c.islower() for c in text)))
    )


def _mixed_run(text: str) -> bool:
    """Does one run of the value between `_`, `-` and `.` mix letters and digits over six or more
    characters (`minio123`, `sk-9f8e7d6c`)? A lower-case identifier whose digits are a suffix of
    their own (`rank_genes_r0.5`, scanpy's result slot for resolution 0.5: fair check 18) is not a
    generated key; a value mixing cases and digits (`Summer_2024`) still counts as a password."""
    return any(
        len(run) >= 6 and any(c.isalpha() for c in run) and any(c.isdigit() for c in run)
        for run in re.split(r"[_.\-]", text)
    )


def credential_names(catalog: Catalog) -> CredentialNames:
    # Derived once per catalogue (as `placeholders`): asked per text by `find_credentials` and per
    # cell by SEC003 (5,524 asks on PDSH).
    return catalog.derived("secrets.credential_names", _catalog_credential_names)


def _catalog_credential_names(catalog: Catalog) -> CredentialNames:
    table = catalog.table("secrets", "credentials", {}) or {}
    return _credential_names(
        str(table.get("names", r"(?:^|_)(?:password|secret|token|api_?key)$")),
        str(table.get("ignore_names", "")),
        str(table.get("weak_names", "")),
        str(table.get("weak_ignore_names", "")),
    )


@lru_cache(maxsize=8)
def _credential_names(names: str, ignore: str, weak: str = "", weak_ignore: str = "") -> CredentialNames:
    return CredentialNames(
        re.compile(names),
        re.compile(ignore) if ignore else None,
        re.compile(weak) if weak else None,
        re.compile(weak_ignore) if weak_ignore else None,
    )


# `key.json`, `service-account.json`, `secrets/db.pem`: the name of a file holding a credential
# (GOOGLE_APPLICATION_CREDENTIALS), which is a path, not the credential.
_FILE_NAME = re.compile(
    r"^[\w.\-/\\]*\.(?:json|pem|p12|pfx|key|crt|cer|der|txt|ya?ml|ini|cfg|conf|env|toml|jks|keystore|ppk|pub|gpg|asc|kdbx)$",
    re.IGNORECASE,
)


# `arn:aws:kms:us-west-2:…:key/…`: an Amazon Resource Name says which key, bucket or secret,
# the way a path or URL does; access to it is granted by IAM, the name is no credential.
_RESOURCE_NAME = re.compile(r"^arn:[a-z][\w-]*:[a-z0-9][\w-]*:", re.IGNORECASE)


# Below this many bits of entropy a literal is too short or too repetitive to be a credential a
# person chose or generated (`"abc"`, `"aaaa1"`, `"1234"`, `"admin"` at 11.6 bits): see
# `entropy_bits`. `"minio123"` has 22 bits, `"hunter22"` 22, a 32-character hex token ~120.
DEFAULT_MIN_ENTROPY_BITS = 12.0


def entropy_bits(value: str) -> float:
    """Shannon entropy of the value's characters, times its length: the bits a value drawn from
    its own character frequencies would carry. A repeated character is 0, `"abc"` 4.8."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(k * math.log2(k / n) for k in Counter(value).values())


@dataclass(frozen=True)
class CredentialValues:
    """When a value bound to a credential-like name is a credential."""

    min_bits: float
    known_defaults: frozenset[str]  # lower case: vendor default credentials, reported whatever their entropy


def credential_values(catalog: Catalog) -> CredentialValues:
    # Derived once per catalogue (as `placeholders`): asked for every credential-like literal.
    return catalog.derived("secrets.credential_values", _catalog_credential_values)


def _catalog_credential_values(catalog: Catalog) -> CredentialValues:
    table = catalog.table("secrets", "credentials", {}) or {}
    return _credential_values(
        float(table.get("min_entropy_bits", DEFAULT_MIN_ENTROPY_BITS)),
        tuple(str(v).lower() for v in table.get("known_defaults", ())),
    )


@lru_cache(maxsize=8)
def _credential_values(min_bits: float, defaults: tuple[str, ...]) -> CredentialValues:
    return CredentialValues(min_bits, frozenset(defaults))


def is_credential_value(value: str, catalog: Catalog) -> bool:
    """Could this literal be a credential? Not empty, not a placeholder, not a path, URL or prose,
    and either a known vendor default (`"minio123"`, `"minioadmin"`) or carrying at least
    `min_entropy_bits` (catalogue; 12 by default) of entropy."""
    text = value.strip()
    if not text or placeholders(catalog).match(text):
        return False
    if any(c.isspace() for c in text):
        return False  # sentences and `[PAD]`-style tokens with spaces are not credentials
    if text.startswith(("/", "./", "../", "~", "[", "(")) or re.match(r"^[A-Za-z]:[\\/]", text) or "://" in text:
        return False
    if _FILE_NAME.match(text) or _RESOURCE_NAME.match(text):
        return False
    if describes_a_placeholder(text):
        return False  # `api_key="demo-sample-api-key"`: words naming the key that goes there
    values = credential_values(catalog)
    # A default credential is short and guessable, which is what makes leaving it in code a risk.
    return text.lower() in values.known_defaults or entropy_bits(text) >= values.min_bits


# A value made only of words of one case joined by `-`/`_` that names a credential or says it is a
# stand-in (`"demo-sample-api-key"`, `"my_dummy_token"`, `"PASTE_API_KEY_HERE"`) describes the key
# that goes there; a generated key mixes cases and digits, a passphrase of words names none of these.
# Upper case as well as lower (fair check 24): Planet's notebooks write `API_KEY = 'PASTE_API_KEY_HERE'`
# under "# … you can paste it below", the same template as their `'PASTE_YOUR_API_KEY_HERE'`.
# Decided here, not in SEC003 alone: what SEC003 does not report the reports and the compiler must
# not mask either (a package that masks a tutorial's stand-in computes something else than its notebook).
# Letters of any alphabet (`"TU_CONTRASEÑA"`), and the words in other languages too (fair check 40,
# items 152-153: a Spanish template's `'CONTRASEÑA'`, `'tu_api_key'`): the single words are in the
# catalogue's `[placeholders]`.
_WORDS_ONLY = re.compile(r"[^\W\d_]+(?:[-_][^\W\d_]+)+")
_DESCRIBING_WORDS = frozenset({
    "key", "apikey", "token", "secret", "password", "sample", "example", "demo", "dummy", "only", "placeholder",
    "paste", "here", "insert", "enter", "your",
    # password, key, secret, your, here in Spanish, French, German, Portuguese, Italian
    "contraseña", "contrasena", "clave", "secreto", "tu", "aquí", "aqui",
    "motdepasse", "passe", "clé", "cle", "votre", "ici",
    "passwort", "kennwort", "schlüssel", "schluessel", "geheim", "dein", "ihr", "hier",
    "senha", "chave", "segredo", "sua", "seu",
    "chiave", "segreto", "tuo", "tua", "qui",
})


# The same written as one word: "my", the service's name, then the credential's word
# (`"myarvestpassword"` beside `EMAIL = "my_email@something.com"`: a tutorial's stand-in for the
# reader's own; fair check 46, items 154, 155). Letters only: `"mypassword123"` stays a password.
_MY_CREDENTIAL = re.compile(r"my[^\W\d_]*(?:password|passwd|token|apikey|secret|key)")


def describes_a_placeholder(value: str) -> bool:
    if not (value.islower() or value.isupper()):
        return False  # `Summer_Key`: mixed case is how a chosen password looks, not a description
    low = value.lower()
    if _MY_CREDENTIAL.fullmatch(low):
        return True
    return bool(_WORDS_ONLY.fullmatch(low)) and not _DESCRIBING_WORDS.isdisjoint(re.split(r"[-_]", low))


@dataclass(frozen=True)
class CredentialMatch:
    """A credential-like name and the value bound to it."""

    name: str
    value: str
    value_start: int


# `name = "value"`, `"name": "value"`, `obj.name = 'value'`, `env["NAME"] = "value"`, `name="value"`.
# A name starts where the previous character cannot be part of one: trying every position inside a
# 40,000-character word made one long line cost minutes (quadratic backtracking).
_ASSIGNED_LITERAL = re.compile(
    r"""(?<![A-Za-z0-9_.\-])(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\]?\s*(?::|=(?!=))\s*[rRbBuU]{0,2}(?P<q>["'])(?P<value>[^"'\n]+)(?P=q)"""
)
# `%env NAME=value`, `%env NAME value`, `%set_env NAME value`, `export NAME=value`, `NAME=value cmd`.
_ENV_ASSIGNMENT = re.compile(
    r"""(?:^|\s|%env\s+|%set_env\s+|export\s+)(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)["']?(?P<value>[^\s"']+)["']?"""
)


def find_credentials(text: str, catalog: Catalog, env_style: bool = False) -> Iterator[CredentialMatch]:
    """Credential-like assignments in one line of text; `env_style` also reads `NAME=value` and
    `%env NAME value` forms (magics and shell lines)."""
    names = credential_names(catalog)
    regexes = (_ASSIGNED_LITERAL, _ENV_ASSIGNMENT) if env_style else (_ASSIGNED_LITERAL,)
    seen: set[int] = set()
    for regex in regexes:
        if regex is _ASSIGNED_LITERAL and not (("=" in text or ":" in text) and ("'" in text or '"' in text)):
            continue  # (its every match holds `=` or `:` and a quote; it was tried at every character)
        for m in regex.finditer(text):
            name = m.group("name").split(".")[-1]
            value = m.group("value")
            if m.start("value") in seen or not names.match(name, value) or not is_credential_value(value, catalog):
                continue
            seen.add(m.start("value"))
            yield CredentialMatch(name, value, m.start("value"))


# Known values shorter than this are not masked wherever they appear: `abc` would eat ordinary words.
MIN_KNOWN_LENGTH = 6


def notebook_secrets(sources: Iterable[str], catalog: Catalog) -> frozenset[str]:
    """Every secret value in these cell sources (pattern matches and credential-like literals),
    and each line of a multi-line one (a private key body shows up line by line in snippets)."""
    values: set[str] = set()
    for source in sources:
        for match in find_secrets(source, catalog):
            values.add(match.value)
            values.update(part.strip() for part in re.split(r"\n|\\n", match.value))
        for line in source.split("\n"):
            env_style = line.lstrip().startswith(_ENV_STYLE)
            if not env_style and '"' not in line and "'" not in line:
                continue  # `_ASSIGNED_LITERAL`'s value is quoted: no credential on this line
            values.update(c.value for c in find_credentials(line, catalog, env_style=env_style))
    return frozenset(v for v in values if len(v) >= MIN_KNOWN_LENGTH)


_ENV_STYLE = ("%env", "%set_env", "!", "export ", "%%bash", "%%sh")


def redact(text: str, catalog: Catalog, known: Iterable[str] = ()) -> str:
    """`text` with every secret masked: what the patterns match, credential-like assignments, and
    any occurrence of the `known` values (see `notebook_secrets`)."""
    spans = {(m.value_start, m.value_end) for m in find_secrets(text, catalog)}
    for value in known:
        at = text.find(value)
        while value and at != -1:
            if not value.isalpha() or _whole_token(text, at, at + len(value)):
                spans.add((at, at + len(value)))
            at = text.find(value, at + 1)
    for line_start, line in _lines_with_offsets(text):
        env_style = line.lstrip().startswith(_ENV_STYLE)
        for c in find_credentials(line, catalog, env_style=env_style):
            spans.add((line_start + c.value_start, line_start + c.value_start + len(c.value)))
    if not spans:
        return text
    out = []
    last = 0
    for start, end in sorted(spans):
        if end <= last:
            continue
        start = max(start, last)  # overlapping spans (a known value inside a pattern match) merge
        out.append(text[last:start])
        out.append(mask(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _word_character(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _whole_token(text: str, start: int, end: int) -> bool:
    """Is `text[start:end]`, an occurrence of a known secret, not part of a longer word? Masking the
    password `postgres` inside `postgresql+psycopg2://…` wrote `********ql+psycopg2`, which shows
    what was masked (fair check 37, item 151); the password itself, between `//user:` and `@`, is
    still masked. Asked only for values made of letters alone (`postgres`, `admin`): a word that may
    be part of another; a token with digits or symbols is masked wherever it appears."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (_word_character(before) and _word_character(text[start])) and not (_word_character(after) and _word_character(text[end - 1]))


def _lines_with_offsets(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1
