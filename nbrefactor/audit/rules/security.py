"""Security: secrets in cell sources and saved outputs, and hardcoded credentials.

Patterns come from `rules/secrets.toml` (extendable without Python). Messages and snippets never
carry a secret: each hit masks it itself (`AKIA********`), and the engine redacts every message and
snippet again, whatever rule produced it.
"""

from __future__ import annotations

import base64
import binascii

import dataclasses

import ast
import hashlib
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from nbrefactor.audit.analysis import CellAnalysis
from nbrefactor.audit.analysis import cell_python_tree, nodes_of, python_tree
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.secrets import SecretMatch, credential_names, find_secrets, is_credential_value, mask, redact
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, and_listed, md
from nbrefactor.audit.rules import code as code_cell  # `code` is every rule class's own attribute

# Obviously fake, pattern-valid values (AWS's own documentation examples, jwt.io's sample token).
_AWS_ID = "AKIAIOSFODNN7EXAMPLE"
_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_GITHUB = "ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78"
_SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
_GOOGLE = "AIzaSyA1234567890abcdefghijklmnopqrstuv"
_OPENAI = "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90"
_HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
_STRIPE = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
_AZURE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_PEM_BODY = "MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB"


def _key(match: SecretMatch) -> str:
    """Fingerprint basis: the pattern and a digest of the secret (never the secret itself)."""
    return f"{match.pattern.id}:{hashlib.sha256(match.value.encode('utf-8')).hexdigest()[:16]}"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")  # (str.find, not a Python loop over every character)
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    """0-based offset → (1-based line, 1-based column)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - starts[lo] + 1


def _masked_line(line: str, start: int, end: int) -> str:
    """`line` with [start, end) (columns, 0-based, clipped to the line) replaced by its mask."""
    start = max(0, min(start, len(line)))
    end = max(start, min(end, len(line)))
    if start == end:
        return line
    return line[:start] + mask(line[start:end]) + line[end:]


def cell_secrets(ca: CellAnalysis, catalog: Catalog) -> tuple[SecretMatch, ...]:
    """Secrets in a code cell's original source: magics, shell escapes and `%%bash` bodies
    included (the masker blanks those out of the Python, so this reads the source itself)."""
    return tuple(find_secrets(ca.cell.source, catalog))


@dataclass(frozen=True)
class _OutputSecrets:
    """The secrets found in a cell's outputs."""

    kinds: tuple[str, ...]  # the patterns' descriptions, in order of first appearance
    keys: tuple[str, ...]
    values: frozenset[str]
    snippet: str


def _output_secrets(ctx: RuleContext) -> dict[int, _OutputSecrets]:
    """The secrets each cell's saved outputs show, by cell index (once per notebook: SEC001 and SEC002)."""

    def compute() -> dict[int, _OutputSecrets]:
        found: dict[int, _OutputSecrets] = {}
        for ca in ctx.cells:
            kinds: list[str] = []
            keys: list[str] = []
            values: set[str] = set()
            snippet = ""
            for output in ca.cell.outputs:
                texts = [output.text, output.name]
                texts += [value for _, value in output.data if value != output.text]
                for text in texts:
                    if not text:
                        continue
                    for match in find_secrets(text, ctx.catalog):
                        if match.pattern.description not in kinds:
                            kinds.append(match.pattern.description)
                        keys.append(_key(match))
                        values.add(match.value)
                        if not snippet:
                            snippet = _output_line(text, match, ctx.catalog)
            if kinds:
                found[ca.cell.index] = _OutputSecrets(tuple(kinds), tuple(keys), frozenset(values), snippet)
        return found

    return ctx.shared("security.output_secrets", compute)


def _echoed_outputs(ctx: RuleContext) -> dict[int, _OutputSecrets]:
    """The cells whose saved outputs show only secrets written in the notebook's own source: the
    output echoes a credential SEC001 already reports (a `!cat` of the config the cell just wrote
    it into, fair check 26), so it is one credential and one fix: those outputs are related
    locations of SEC001's finding, not SEC002 findings of their own."""

    def compute() -> dict[int, _OutputSecrets]:
        shown_by_cell = _output_secrets(ctx)
        if not shown_by_cell:
            return {}  # (most notebooks: no output shows a secret, so no source is scanned for one here)
        written = {match.value for ca in ctx.cells if ca.cell.source.strip() for match in cell_secrets(ca, ctx.catalog)}
        return {index: shown for index, shown in shown_by_cell.items() if shown.values <= written}

    return ctx.shared("security.echoed_outputs", compute)


class SecretInSource(Rule):
    code = "SEC001"
    compile_fix = "secret"
    name = "secret-in-source"
    family = Family.SECURITY
    severity = Severity.ERROR
    summary = "A secret (cloud key, token, private key, password in a URL) is written in a code cell."
    what_it_does = (
        "Scans the source of every code cell as written — IPython magics (`%env`), shell escapes "
        "(`!curl -H \"Authorization: Bearer …\"`) and `%%bash` bodies included — with the patterns "
        "of `rules/secrets.toml`: AWS access key IDs and secret access keys, GitHub, Slack, Google, "
        "OpenAI-style, Hugging Face and Stripe keys, private key blocks, passwords in connection "
        "strings, JSON Web Tokens, Azure connection-string keys and SAS signatures, bearer tokens, the key "
        "of a Roboflow download link (`https://app.roboflow.com/ds/…?key=…`; not a public dataset's). "
        "Placeholders (`<your-key>`, `xxxx`, `{password}`, `$TOKEN`) are not reported. Each "
        "secret is reported where it starts; the message shows at most its first four characters."
    )
    why_bad = (
        "A notebook is shared, committed and rendered on the web with its source: a key in a cell is "
        "a leaked key, and it stays in the repository history after the cell is edited. Migrated "
        "code would carry it into a package and a pipeline image."
    )
    example = f's3 = boto3.client("s3", aws_access_key_id="{_AWS_ID}", aws_secret_access_key="wJal…")'
    use_instead = (
        "# credentials come from the environment (or an IAM role), never from the notebook\n"
        's3 = boto3.client("s3")'
    )
    passing = (
        Example(
            cells=(
                'import os\nfrom getpass import getpass\napi_key = "<your-key>"\nopenai_key = os.environ["OPENAI_API_KEY"]\npassword = getpass()',
                'engine = create_engine("postgresql://user:password@localhost/db")\nurl = f"postgresql://{user}:{pw}@{host}/db"',
                '!curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/models',
                'model = "sk-learn-pipeline-with-grid-search"\nkey = "sk-xxxxxxxxxxxxxxxxxxxxxxxx"\nkey_id = "AKIAXXXXXXXXXXXXXXXX"',
            ),
        ),
        # ML code full of names that start like keys: none is one.
        Example(
            cells=(
                "from huggingface_hub import hf_hub_download\npath = hf_hub_download(repo_id='bert-base-uncased', filename='config.json')",
                "from sklearn.pipeline import make_pipeline  # sk-learn style pipelines\nheader = 'eyJhbGciOiJIUzI1NiJ9'  # a JWT header alone\nsha = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'",
                "!git clone https://github.com/huggingface/transformers.git\n%env HF_HOME=/tmp/hf",
                '!curl -L "https://public.roboflow.com/ds/Lk2Vd8QwPz?key=Rm5Tx3Nb7Q" > aerial.zip',
            ),
        ),
    )
    failing = (
        Example(
            cells=(
                "import boto3",
                f's3 = boto3.client(\n    "s3",\n    aws_access_key_id="{_AWS_ID}",\n    aws_secret_access_key="{_AWS_SECRET}",\n)',
            ),
            expect=((2, 3), (2, 4)),
        ),
        # Magics and shell escapes are scanned as written.
        Example(
            cells=(
                f"%env AWS_SECRET_ACCESS_KEY={_AWS_SECRET}",
                f'!curl -H "Authorization: Bearer {_GITHUB}" https://api.github.com/user',
                f"%%bash\nexport HF_TOKEN={_HF}\nhuggingface-cli whoami",
            ),
            expect=((1, 1), (2, 1), (3, 2)),
        ),
        # A private key block spanning lines is reported once, where it starts.
        Example(
            cells=(
                md("# Deploy"),
                f'KEY = """-----BEGIN RSA PRIVATE KEY-----\n{_PEM_BODY}\n-----END RSA PRIVATE KEY-----"""\nconnect(KEY)',
            ),
            expect=((2, 1),),
        ),
        Example(
            cells=(
                f'engine = create_engine("postgresql://etl:S3cr3tPassw0rd@db.internal:5432/sales")\n'
                f'slack = WebClient(token="{_SLACK}")\n'
                f'genai.configure(api_key="{_GOOGLE}")\n'
                f'client = OpenAI(api_key="{_OPENAI}")\n'
                f'login("{_HF}")\n'
                f'stripe.api_key = "{_STRIPE}"\n'
                f'headers = {{"Authorization": "Bearer {_JWT}"}}\n'
                f'conn = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={_AZURE_KEY};EndpointSuffix=core.windows.net"',
            ),
            expect=((1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8)),
        ),
        # The same password shown again by the outputs of the cell and of a later `!cat`: one finding
        # in the source, the outputs related (SEC002 does not report them; fair check 26).
        Example(
            cells=(
                code_cell(
                    "!yq -i '.registry.path=\"postgresql://feast:S3cr3tPassw0rd@postgres:5432/feast\"' store.yaml\n!cat store.yaml",
                    count=1,
                    outputs=({"output_type": "stream", "name": "stdout", "text": "path: postgresql://feast:S3cr3tPassw0rd@postgres:5432/feast\n"},),
                ),
                code_cell("!cat store.yaml", count=2,
                          outputs=({"output_type": "stream", "name": "stdout", "text": "path: postgresql://feast:S3cr3tPassw0rd@postgres:5432/feast\n"},)),
            ),
            expect=((1, 1),),
        ),
        # A dataset download link copied from Roboflow's export dialog, key and all.
        Example(
            cells=('!curl -L "https://app.roboflow.com/ds/Qm4TzR8aLp?key=Hx7bK2qWv9" > boats.zip; unzip -q boats.zip',),
            expect=((1, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        echoed = _echoed_outputs(ctx)
        cells = ctx.code_cell_at
        related_values: set[str] = set()
        for ca in ctx.cells:
            source = ca.cell.source
            if not source.strip():
                continue
            starts = _line_starts(source)
            lines = source.split("\n")
            for match in cell_secrets(ca, ctx.catalog):
                line, column = _position(starts, match.start)
                value_line, value_column = _position(starts, match.value_start)
                if value_line == line:
                    column = value_column
                end_line, end_column = _position(starts, match.value_end)
                text = lines[line - 1]
                line_start = starts[line - 1]
                snippet = _masked_line(text, match.value_start - line_start, match.value_end - line_start)
                first_time = match.value not in related_values
                shown_in = [] if not first_time else sorted(i for i, o in echoed.items() if match.value in o.values)
                related_values.add(match.value)
                also = ""
                halves = _basic_halves(match)
                same = [
                    (other.cell, literal) for other in (ctx.cells if halves else ()) for literal in credential_literals(other, ctx.catalog)
                    if literal.value in halves
                ] if first_time else []
                if same:
                    # The header's secret is also a literal of the notebook (`client_secret = '…'`, which
                    # SEC003 folds into this finding): one credential, one removal (fair check 42, items 155-157).
                    names = sorted({f"`{literal.name}`" for _, literal in same})
                    also += (f"; it encodes {and_listed(names)}, also a literal in cell{'s' if len({c.index for c, _ in same}) > 1 else ''} "
                             f"{and_listed(sorted({c.index for c, _ in same}))} (related)")
                if shown_in:
                    also = (f"; the saved output{'s' if len(shown_in) > 1 else ''} of cell{'s' if len(shown_in) > 1 else ''} "
                            f"{and_listed(shown_in)} show{'' if len(shown_in) > 1 else 's'} it too (related): clear {'them' if len(shown_in) > 1 else 'it'}")
                yield Hit(
                    ca.cell,
                    line,
                    column,
                    f"{match.pattern.description} in source ({mask(match.value)}): remove it, rotate it, "
                    f"and read it from the environment or a secret store{also}",
                    related=tuple((cells[i], 1, None) for i in shown_in) + tuple((c, literal.line, literal.column) for c, literal in same),
                    end_line=end_line,
                    end_column=end_column,
                    snippet=redact(snippet, ctx.catalog),
                    fix="Rotate the credential; load it with os.environ[...] or a secrets manager",
                    key=_key(match),
                )


class SecretInOutput(Rule):
    code = "SEC002"
    name = "secret-in-output"
    family = Family.SECURITY
    severity = Severity.ERROR
    summary = "A cell's saved output contains a secret."
    what_it_does = (
        "Scans the saved outputs of every code cell (stream text, the textual entries of rich "
        "outputs such as text/plain, text/html and JSON, and error tracebacks) with the patterns of "
        "SEC001. Reports once per cell, at its first line, naming the kinds of secret found; the "
        "message never contains the secret, and the snippet shows the output line masked."
    )
    why_bad = (
        "Outputs are saved in the .ipynb file and rendered by GitHub, nbviewer and every diff tool: "
        "a `print(os.environ)`, a config dump or a traceback quoting a connection string publishes "
        "the credential even when the code reads it properly from the environment."
    )
    example = "print(session.get_credentials().__dict__)\n# output: {'access_key': 'AKIA…', 'secret_key': '…'}"
    use_instead = "Clear the outputs (`jupyter nbconvert --clear-output`), rotate the credential, and do not print it."
    passing = (
        Example(
            cells=(
                code_cell("print(mask(key))", count=1, outputs=({"output_type": "stream", "name": "stdout", "text": "AKIA********\n"},)),
                code_cell(
                    "config",
                    count=2,
                    outputs=(
                        {
                            "output_type": "execute_result",
                            "execution_count": 2,
                            "metadata": {},
                            "data": {"text/plain": "{'api_key': '<your-key>', 'token': 'xxxxxxxxxxxxxxxx'}"},
                        },
                    ),
                ),
                # A secret in the source only is SEC001's finding, not this rule's.
                code_cell(f'key = "{_AWS_ID}"', count=3),
            ),
        ),
        # An output echoing a secret written in the source (the config the cell just wrote it into):
        # a related location of SEC001's finding, one credential and one fix (fair check 26).
        Example(
            cells=(
                code_cell(
                    "!yq -i '.registry.path=\"postgresql://feast:S3cr3tPassw0rd@postgres:5432/feast\"' store.yaml\n!cat store.yaml",
                    count=1,
                    outputs=({"output_type": "stream", "name": "stdout", "text": "registry:\n  path: postgresql://feast:S3cr3tPassw0rd@postgres:5432/feast\n"},),
                ),
                code_cell("!cat store.yaml", count=2,
                          outputs=({"output_type": "stream", "name": "stdout", "text": "path: postgresql://feast:S3cr3tPassw0rd@postgres:5432/feast\n"},)),
            ),
        ),
        Example(
            cells=(
                code_cell(
                    "pipe",
                    count=1,
                    outputs=(
                        {
                            "output_type": "execute_result",
                            "execution_count": 1,
                            "metadata": {},
                            "data": {"text/plain": "Pipeline(steps=[('scaler', StandardScaler()), ('sk-learn-model', LogisticRegression())])"},
                        },
                    ),
                ),
                code_cell("print(url)", count=2, outputs=({"output_type": "stream", "name": "stdout", "text": "postgresql://etl:***@db.internal/sales\n"},)),
                # `!wget` following a release download to its presigned S3 link: the key id in
                # `X-Amz-Credential` is public by design and not the author's to rotate.
                code_cell(
                    "!wget -O data.zip {SOURCE}",
                    count=3,
                    outputs=({"output_type": "stream", "name": "stdout", "text": (
                        "Location: https://objects.example-storage.com/release-asset?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        f"&X-Amz-Credential={_AWS_ID}%2F20240301%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=300 [following]\n"
                    )},),
                ),
            ),
        ),
    )
    failing = (
        Example(
            cells=(
                md("# Setup"),
                code_cell(
                    "import os\nprint(os.environ)",
                    count=1,
                    outputs=({"output_type": "stream", "name": "stdout", "text": f"environ({{'AWS_ACCESS_KEY_ID': '{_AWS_ID}'}})\n"},),
                ),
                code_cell(
                    "creds",
                    count=2,
                    outputs=(
                        {
                            "output_type": "execute_result",
                            "execution_count": 2,
                            "metadata": {},
                            "data": {"text/plain": f"{{'token': '{_GITHUB}', 'hf': '{_HF}'}}", "text/html": f"<pre>{_GITHUB}</pre>"},
                        },
                    ),
                ),
                code_cell(
                    "engine.connect()",
                    count=3,
                    outputs=(
                        {
                            "output_type": "error",
                            "ename": "OperationalError",
                            "evalue": "could not connect",
                            "traceback": ["OperationalError: could not connect to postgresql://etl:S3cr3tPassw0rd@db.internal:5432/sales"],
                        },
                    ),
                ),
            ),
            expect=((2, 1), (3, 1), (4, 1)),
        ),
        # Only in a rich output's HTML, or on stderr; one finding per cell however many outputs.
        Example(
            cells=(
                code_cell(
                    "show(settings)",
                    count=1,
                    outputs=(
                        {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "<Settings>", "text/html": f"<td>api_key</td><td>{_OPENAI}</td>"}},
                        {"output_type": "stream", "name": "stderr", "text": f"WARNING using key {_OPENAI}\n"},
                    ),
                ),
            ),
            expect=((1, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        echoed = _echoed_outputs(ctx)
        for ca in ctx.cells:
            shown = _output_secrets(ctx).get(ca.cell.index)
            if shown is None or ca.cell.index in echoed:
                continue  # an output echoing a secret of the source: SEC001's related location
            yield Hit(
                ca.cell,
                1,
                None,
                f"Saved output contains a secret ({', '.join(shown.kinds)}): clear the output and rotate the credential",
                snippet=shown.snippet,
                fix="Clear the cell's output, rotate the credential, stop printing it",
                key=",".join(sorted(set(shown.keys))),
            )


def _output_line(text: str, match: SecretMatch, catalog: Catalog) -> str:
    start = text.rfind("\n", 0, match.value_start) + 1
    end = text.find("\n", match.value_start)
    line = text[start : end if end != -1 else len(text)]
    line = _masked_line(line, match.value_start - start, match.value_end - start)
    line = redact(line, catalog).strip()
    if len(line) > 160:
        # Keep the masked secret in view: cut around it rather than at the start.
        at = max(0, match.value_start - start - 60)
        line = ("…" if at else "") + line[at : at + 160] + "…"
    return line


# --- SEC003 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialLiteral:
    """A literal value bound to a credential-like name, and where."""

    name: str  # the credential-like name the literal is bound to
    value: str
    line: int  # 1-based, in the cell
    column: int  # 1-based, the literal's opening quote (or the value of a `%env` line)
    end_line: int
    end_column: int  # 1-based, exclusive


_SETTERS = frozenset({"setdefault", "putenv", "set_env", "setenv"})
_ENV_MAGIC = re.compile(r"^(?P<indent>\s*)%(?:env|set_env)\s+(?P<name>[A-Za-z_]\w*)(?:\s*=\s*|\s+)(?P<value>\S.*?)\s*$")


def _target_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _string(node: Optional[ast.AST]) -> Optional[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    return None


def _pairs(target: ast.AST, value: ast.AST) -> Iterator[tuple[str, ast.Constant]]:
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
        if len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts):
                yield from _pairs(t, v)
        return
    name = _target_name(target)
    literal = _string(value)
    if name is not None and literal is not None:
        yield name, literal


def _bound_literals(tree: ast.AST) -> Iterator[tuple[str, ast.Constant]]:
    """(name, string literal) for every way code binds a literal to a name."""
    # (the cell's shared lists by node class, merged in `ast.walk`'s order)
    for node in nodes_of(tree, ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Call, ast.Dict, ast.arguments):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield from _pairs(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            yield from _pairs(node.target, node.value)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                literal = _string(kw.value)
                if kw.arg and literal is not None:
                    yield kw.arg, literal
            method = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if method in _SETTERS and len(node.args) >= 2:
                key, literal = _string(node.args[0]), _string(node.args[1])
                if key is not None and literal is not None:
                    yield key.value, literal
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                key, literal = _string(k), _string(v)
                if key is not None and literal is not None:
                    yield key.value, literal
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            for arg, default in zip(positional[len(positional) - len(node.defaults):], node.defaults):
                literal = _string(default)
                if literal is not None:
                    yield arg.arg, literal
            for arg, default in zip(node.kwonlyargs, node.kw_defaults):
                literal = _string(default)
                if literal is not None:
                    yield arg.arg, literal


def _char_column(line: str, byte_offset: int) -> int:
    """ast columns are UTF-8 byte offsets; findings use characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


_CREDENTIAL_WORDS = ("pass", "pwd", "secret", "token", "key", "cred", "conn", "_pw")
_CREDENTIAL_WORD = re.compile("(?i)" + "|".join(_CREDENTIAL_WORDS))


def mentions_credential_word(python: str) -> bool:
    """Whether `python` holds one of `_CREDENTIAL_WORDS` in any case: `_CREDENTIAL_WORD.search`.
    That pattern has no literal start, so the engine tried it at every character of every cell
    (2,320 cells on PythonDataScienceHandbook). On ASCII text it is a substring search of the text
    in lower case: IGNORECASE matches a character to a pattern's letter when its lower case is the
    letter, or when it is one of the letter's other case forms, which are never ASCII (`ſ` for
    `s`, the Kelvin sign for `k`); other text keeps the pattern."""
    if python.isascii():
        lowered = python.lower()
        return any(word in lowered for word in _CREDENTIAL_WORDS)
    return _CREDENTIAL_WORD.search(python) is not None


def credential_literals(ca: CellAnalysis, catalog: Catalog) -> tuple[CredentialLiteral, ...]:
    """String literals bound to credential-like names in one cell (before any SEC001 filtering)."""
    names = credential_names(catalog)
    found: dict[tuple[int, int], CredentialLiteral] = {}
    python = ca.masked.python
    # Cheap gate: parse only cells that mention a credential-like word at all.
    if ca.masked.is_python and python.strip() and mentions_credential_word(python):
        try:
            tree = python_tree(python)
        except (SyntaxError, ValueError, RecursionError):
            tree = None
        if tree is not None:
            masked_lines = python.split("\n")
            for name, literal in _bound_literals(tree):
                if not names.match(name, literal.value) or not is_credential_value(literal.value, catalog):
                    continue
                line = literal.lineno
                end_line = literal.end_lineno or line
                column = _char_column(masked_lines[line - 1], literal.col_offset) + 1
                end_column = _char_column(masked_lines[end_line - 1], literal.end_col_offset or 0) + 1
                found.setdefault((line, column), CredentialLiteral(name, literal.value, line, column, end_line, end_column))
    for magic in ca.magics:
        if magic.kind != "line_magic" or magic.name not in {"env", "set_env"}:
            continue
        m = _ENV_MAGIC.match(magic.text)
        if not m:
            continue
        value = m.group("value").strip("'\"")
        if names.match(m.group("name"), value) and is_credential_value(value, catalog):
            column = m.start("value") + 1
            found.setdefault(
                (magic.line, column),
                CredentialLiteral(m.group("name"), value, magic.line, column, magic.line, m.end("value") + 1),
            )
    return tuple(found[k] for k in sorted(found))


class HardcodedCredential(Rule):
    code = "SEC003"
    compile_fix = "secret"
    name = "hardcoded-credential"
    family = Family.SECURITY
    severity = Severity.WARNING
    summary = "A string literal is assigned to a password-, token- or key-like name."
    what_it_does = (
        "Reports a non-empty string literal bound to a credential-like name (`password`, `passwd`, "
        "`pwd`, `secret`, `token`, `api_key`, `apikey`, `access_key`, `client_secret`…; the list "
        "is in `rules/secrets.toml`): assigned to a variable, attribute or subscript "
        "(`os.environ[\"DB_PASSWORD\"] = …`), passed as such a keyword argument, used as a "
        "dictionary value under such a key, a parameter default, or set with `%env`. Weaker names "
        "(`minio_key`, `db_pw`; `weak_names` in the catalogue) count only when the value mixes letters "
        "and digits like a generated key (within one run of six or more characters between `_`, `-` and `.`, "
        "`minio123`, or across mixed cases, `Summer_2024`; not a lower-case identifier with a numeric suffix such as "
        "scanpy's result slot `key=\"rank_genes_r0.5\"`), and not for data keys (`sort_key`, `primary_key`…). "
        "Placeholders (`\"your-key-here\"`, `\"xxx\"`, `\"changeme\"`, `\"<token>\"`, the words in other languages: "
        "`\"CONTRASEÑA\"`, `\"mot_de_passe\"`, `\"tu_api_key\"`, empty, a vendor's key "
        "prefix followed by one: `\"sk-foo\"`, `\"hf_xxx\"`; the public `\"ANONYMOUS\"` token of Neptune's anonymous mode; an environment variable's name: `\"OPENAI_API_KEY\"`; "
        "`[placeholders]` in the catalogue), paths, file names (`\"key.json\"` is where a key is, not "
        "the key), URLs and values with spaces are not reported, nor NLP special tokens "
        "(`pad_token = \"[PAD]\"`), nor a value whose line's comment says it is one (`# example key, will not work`, "
        "`# dummy`, `# replace … with your key`), nor a value made only of words of one case joined by `-`/`_` that names a "
        "credential or says it is a stand-in (`\"demo-sample-api-key\"`, `\"my_dummy_token\"`, `\"PASTE_API_KEY_HERE\"`), "
        "nor an Amazon Resource Name (`\"arn:aws:kms:…\"` names a key or secret, IAM guards it; `kms_key` is a weak name "
        "ignored as a data key is), nor anything SEC001 already reports. A value must also carry at "
        "least 12 bits of entropy (Shannon entropy of its characters times its length; "
        "`min_entropy_bits` in the catalogue): `\"abc\"` (4.8 bits), `\"1234\"` (8) and `\"aaaa1\"` "
        "are too short or repetitive to be a chosen or generated credential, `\"hunter22\"` (22) is "
        "not. Vendor default credentials (`\"minio123\"`, `\"minioadmin\"`, `\"admin\"`, "
        "`\"postgres\"`; `known_defaults`) are reported whatever their entropy: they are public, so "
        "a deployment still using them is open to anyone, and the migrated package must not bake "
        "them in. The same literal bound again to the same name (`api_key=\"…\"` in three cells) is one credential: "
        "reported once, at its first use, with the later uses as related locations; under another name "
        "(`access_key` and `secret_key` both `\"minioadmin\"`) it is another credential and its own finding. A literal that "
        "is a half (8 characters or more) of an HTTP Basic header's decoded `client_id:client_secret` in the same notebook "
        "is folded into SEC001's finding of that header (one credential, one removal), which names it as related."
    )
    why_bad = (
        "A password or token that no known pattern recognises is still a secret: it leaks with the "
        "notebook, cannot be rotated without editing code, and forces every user of the migrated "
        "package to share one credential."
    )
    example = 'conn = psycopg2.connect(host="db", user="etl", password="Tr0ub4dor&3")'
    use_instead = 'conn = psycopg2.connect(host="db", user="etl", password=os.environ["PGPASSWORD"])'
    passing = (
        # The client secret is the password half of the notebook's HTTP Basic header (SEC001's
        # finding): folded into it, one credential (fair check 42, items 155-157).
        Example(cells=(
            "import requests\nheaders = {'Authorization': 'Basic MGExYjJjM2Q0ZTVmNmE3Yjo5ZjhlN2Q2YzViNGEzZjJl'}",
            "client_id = '0a1b2c3d4e5f6a7b'\nclient_secret = '9f8e7d6c5b4a3f2e'",
        )),
        Example(
            cells=(
                'import os, getpass\npassword = getpass.getpass()\napi_key = os.environ["OPENAI_API_KEY"]\ntoken = os.getenv("HF_TOKEN")',
                'password = ""\napi_key = "<your-key>"\nsecret = "xxx"\nDB_PASSWORD = "changeme"',
                'pad_token = "[PAD]"\neos_token = "</s>"\nmax_tokens = "256"\nsecret_name = "prod/db"\npassword_file = "/run/secrets/db"',
                f'hf_token = "{_HF}"',
            ),
        ),
        Example(
            cells=(
                'def login(password=None, token=""):\n    pass',
                'password = input("Password: ")\nconfig = {"password": "", "token": "${TOKEN}"}\nsecret_key = "<replace-me>"',
                '%env MLFLOW_TRACKING_TOKEN=$MY_TOKEN\n%env PASSWORD_FILE=/run/secrets/pw',
                # Neptune's documented public mode: the token everyone uses with the `common/` projects.
                '%env NEPTUNE_API_TOKEN=ANONYMOUS',
            ),
        ),
        # The line's comment says it is an example (a course template's stand-in).
        Example(cells=('key = "Gx5en9cEVvaZnjut6vfLm1HG"  # This is an example key and will not work.',
                       'token = "Qm7rT2vX9wLp"  # replace this with your own token')),
        # Words describing the key that goes there, not a key (a dataset tutorial's stand-in), in
        # either case (Planet's template: the reader pastes their key in place of the words).
        Example(cells=('client = Service(api_key="demo-sample-api-key")',
                       "# if your API key is not set as an environment variable, you can paste it below\n"
                       "if 'PL_API_KEY' in os.environ:\n    API_KEY = os.environ['PL_API_KEY']\nelse:\n"
                       "    API_KEY = 'PASTE_API_KEY_HERE'")),
        # Which KMS key encrypts the job's output: a resource's name (an ARN) or a KMS key's id, not
        # a credential (a SageMaker pipeline's parameters cell).
        Example(cells=('# Parameters\nencryption_key = "arn:aws:kms:us-west-2:111122223333:1234abcd-12ab-34cd-56ef-1234567890ab"',
                       'kms_key = "1234abcd-12ab-34cd-56ef-1234567890ab"')),
        # The environment variable's name where the key goes (an LLM cookbook's stand-in).
        Example(cells=('api_key = "OPENAI_API_KEY"',)),
        # The word 'password' or 'your key' in another language where the reader's key goes (fair
        # check 40, items 152-153: a Spanish notebook's `api_key='CONTRASEÑA'`).
        Example(cells=('def indicadores(symbol, api_key="tu_api_key"):\n    pass\nAPI_KEY = "CONTRASEÑA"',
                       'password = "TU_CONTRASEÑA"\nconfig = {"token": "mot_de_passe", "secret": "Passwort"}')),
        # A vendor's key format filled with a placeholder: where the reader's own key goes.
        Example(cells=('import openai\nopenai.api_key = "sk-foo"\nclient_secret = "ghp_..."',)),
        # A key *file* is a path; `*_key` names holding words or column names are data, not secrets.
        Example(
            cells=(
                'import os\nos.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "key.json"\ncredentials = "service-account.json"',
                'sort_key = "date"\nprimary_key = "user_id"\nmodel_key = "resnet50"\nminio_key = "your-key-here"',
            ),
        ),
        # A result slot named with a numeric suffix (scanpy's `key='rank_genes_r0.5'`, fair check 18):
        # an identifier, not a generated key.
        Example(cells=('import scanpy as sc\nsc.pl.rank_genes_groups(adata, key="rank_genes_r0.5")',)),
        # "my", the service, the credential's word as one word: a tutorial's stand-in beside
        # `my_email@…` (fair check 46, items 154, 155: sec003-my-x-password-placeholder).
        Example(cells=('EMAIL = "me@example.org"\nPASSWORD = "myportalpassword"\nclient = Portal(EMAIL, PASSWORD)',)),
        # A password-check exercise: the literal is compared only with what `input()` returns in its
        # own cell (fair check 46, item 156: sec003-toy-password-check-exercise).
        Example(cells=('secret_word = "letmein42"\ntries = 3\nwhile tries:\n    guess = input("Password: ")\n'
                       '    if guess == secret_word:\n        print("Welcome")\n        break\n    tries -= 1',)),
    )
    failing = (
        Example(
            cells=(
                'db_password = "Tr0ub4dor&3"',
                'engine = connect(host="db", user="etl",\n                 password="s3cr3t-pw")',
                'config = {"api_key": "a1b2c3d4e5f6", "region": "eu-west-1"}',
                "%env MLFLOW_TRACKING_TOKEN=9f8e7d6c5b4a",
                'import os\nos.environ["MLFLOW_TRACKING_PASSWORD"] = "hunter22"',
                'def connect(user="etl", passwd="pa55word!"):\n    pass',
            ),
            expect=((1, 1), (2, 2), (3, 1), (4, 1), (5, 2), (6, 1)),
        ),
        Example(
            cells=(
                'user, password = "etl", "pa55word!"\nclient.api_key = "k-39f1c2aa77"',
                'import os\nos.environ.setdefault("WANDB_API_KEY", "0123abcd4567ef89")\nif (token := "tk-99x8y7z6"):\n    pass',
            ),
            expect=((1, 1), (1, 2), (2, 2), (2, 3)),
        ),
        # Below 12 bits of entropy a value is a stand-in, not a credential; vendor defaults are
        # reported whatever their entropy.
        Example(
            cells=('token = "abc"\napi_key = "1234"\npassword = "aaaa1"\nsecret = "<token>"', 'password = "admin"\nminio_secret_key = "minio123"'),
            expect=((2, 1), (2, 2)),
        ),
        # A password also used beyond the comparison with `input()` (the connection below), or with
        # digits after "my…password", is a credential (fair check 46, items 154-156).
        Example(cells=('db_password = "Qz81-mvkt"\nif input("Password: ") != db_password:\n    raise SystemExit',
                       'conn = connect(user="etl", password=db_password)\nPASSWORD = "mypassword2024"'),
                expect=((1, 1), (2, 2))),
        # A real password is reported in any language's name or around any language's word.
        Example(cells=('password = "Contraseña2024!"\napi_key = "clave-9f8e7d6c"',), expect=((1, 1), (1, 2))),
        # Weaker names (`*_key`, `*_pw`) count when the value mixes letters and digits like a key.
        Example(cells=('minio_key = "minio123"\nminio_secret_key = "minio123"', 'db_pw = "s3cr3tpw"'), expect=((1, 1), (1, 2), (2, 1))),
        # One key passed again under the same name is one credential: its later uses are related
        # locations. (The same value under another name, `access_key`/`secret_key`, stays apart.)
        Example(cells=('prices = fetch("ACME", api_key="Q7XK2M9PLW4ZB8TR")', 'volumes = fetch("INIT", api_key="Q7XK2M9PLW4ZB8TR")',
                       'rates = fetch("FX", api_key="Z3N8VQ1RT6YH0KJD")'), expect=((1, 1), (3, 1))),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        # One finding per distinct value and name, at its first use; the later uses are its related locations.
        first: dict[tuple[str, str], Hit] = {}
        later: dict[tuple[str, str], list[tuple]] = {}
        for use, hit in self._uses(ctx):
            if use in first:
                later[use].append((hit.cell, hit.line, hit.column))
                continue
            first[use], later[use] = hit, []
        for use, hit in first.items():
            if later[use]:
                n = len(later[use])
                hit = dataclasses.replace(
                    hit,
                    message=f"{hit.message} (the same use is used {n} more time{'s' if n > 1 else ''}: related locations)",
                    related=tuple(hit.related) + tuple(later[use]),
                )
            yield hit

    def _uses(self, ctx: RuleContext) -> Iterator[tuple[tuple[str, str], Hit]]:
        basic = _basic_header_parts(ctx)
        for ca in ctx.cells:
            source_lines = ca.lines
            secrets = cell_secrets(ca, ctx.catalog)
            starts = _line_starts(ca.cell.source)
            for literal in credential_literals(ca, ctx.catalog):
                if _already_secret(literal, secrets, starts, ctx.catalog):
                    continue
                text = source_lines[literal.line - 1] if literal.line <= len(source_lines) else ""
                last = source_lines[literal.end_line - 1] if literal.end_line <= len(source_lines) else ""
                if _SAYS_EXAMPLE.search(last[literal.end_column - 1:] if literal.end_line == literal.line else last):
                    continue  # `key = "Gx5e…"  # This is an example key and will not work.`
                if _compared_only_with_input(ctx, ca, literal):
                    continue  # `correct_password = "python123"`, then `if input(…) == correct_password:`
                end = literal.end_column - 1 if literal.end_line == literal.line else len(text)
                inside = text.find(literal.value, literal.column - 1, end) if literal.value else -1
                if inside != -1:  # mask the value, not its quotes
                    snippet = _masked_line(text, inside, inside + len(literal.value))
                else:
                    snippet = _masked_line(text, literal.column - 1, end)
                yield (literal.value, literal.name), Hit(
                    ca.cell,
                    literal.line,
                    literal.column,
                    f"Hardcoded credential: a string literal is assigned to `{literal.name}`",
                    end_line=literal.end_line,
                    end_column=literal.end_column,
                    snippet=redact(snippet, ctx.catalog),
                    fix=f"Read `{literal.name}` from the environment or a secret store, and rotate it",
                    key=literal.name,
                    # The same secret is inside an HTTP Basic header of the notebook (`client_id:
                    # client_secret`, base64): SEC001's finding of that header is its one removal and
                    # rotation (fair check 42, items 155-157).
                    folded_into="SEC001" if literal.value in basic else "",
                )


def _compared_only_with_input(ctx: RuleContext, ca: CellAnalysis, literal: CredentialLiteral) -> bool:
    """Is the literal bound to a plain name (`correct_password = "python123"`) that the notebook reads
    only in its own cell, and there only compared (`==`, `!=`) with what `input()` returned
    (`password = input("Enter your password: ")`, `if password == correct_password:`)? A course's
    password-check exercise: the literal is the exercise's data, guarding nothing a reader could
    reach, and nobody would move it to a secret store (fair check 46, item 156)."""
    if "input" not in ca.cell.source:
        return False
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    name = literal.name
    binds = [node for node in nodes_of(tree, ast.Assign) if any(isinstance(t, ast.Name) and t.id == name for t in node.targets)]
    if len(binds) != 1 or not isinstance(binds[0].value, ast.Constant) or binds[0].value.lineno != literal.line:
        return False  # (a keyword, dict value or attribute: not this shape)

    def is_input(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "input"

    typed = {t.id for node in nodes_of(tree, ast.Assign) if is_input(node.value) for t in node.targets if isinstance(t, ast.Name)}
    compared: set[int] = set()
    for node in nodes_of(tree, ast.Compare):
        operands = [node.left, *node.comparators]
        if len(operands) == 2 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            for mine, other in (operands, operands[::-1]):
                if isinstance(mine, ast.Name) and mine.id == name and (
                    is_input(other) or (isinstance(other, ast.Name) and other.id in typed)
                ):
                    compared.add(id(mine))
    reads = [node for node in nodes_of(tree, ast.Name) if node.id == name and isinstance(node.ctx, ast.Load)]
    if not reads or any(id(node) not in compared for node in reads):
        return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    return not any(other is not ca and word.search(other.cell.source) for other in ctx.cells)


def _basic_header_parts(ctx: RuleContext) -> frozenset[str]:
    """The two halves (`user`, `password`: a client id and its secret) of every HTTP Basic header
    SEC001 finds in the notebook, decoded from its base64; halves of fewer than 8 characters are
    left out (a short user name is no secret of its own)."""
    parts: set[str] = set()
    for ca in ctx.cells:
        if "asic" not in ca.cell.source:
            continue
        for match in cell_secrets(ca, ctx.catalog):
            parts |= _basic_halves(match)
    return frozenset(parts)


def _basic_halves(match: SecretMatch) -> frozenset[str]:
    """The halves of 8 characters or more of an HTTP Basic header's decoded `user:password`."""
    if match.pattern.id != "http-basic-auth":
        return frozenset()
    try:
        decoded = base64.b64decode(match.value + "=" * (-len(match.value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return frozenset()
    user, colon, password = decoded.partition(":")
    return frozenset(p for p in (user, password) if len(p) >= 8) if colon else frozenset()


# The line's own comment says the value is a stand-in: a course template's "example key", a
# "dummy" token. (Only the comment after the value: `#` inside the string is no comment.)
_SAYS_EXAMPLE = re.compile(
    r"#.*\b(?:example|sample|dummy|fake|placeholder|not\s+(?:a\s+)?real|will\s+not\s+work|won'?t\s+work"
    r"|replace\b.*\bwith\s+your)\b",
    re.IGNORECASE,
)


def _already_secret(literal: CredentialLiteral, secrets: tuple[SecretMatch, ...], starts: list[int], catalog: Catalog) -> bool:
    if any(True for _ in find_secrets(literal.value, catalog)):
        return True
    begin = starts[literal.line - 1] + literal.column - 1 if literal.line <= len(starts) else 0
    finish = starts[literal.end_line - 1] + literal.end_column - 1 if literal.end_line <= len(starts) else begin
    return any(m.value_start < finish and m.value_end > begin for m in secrets)
