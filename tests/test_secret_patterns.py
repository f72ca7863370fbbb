"""nbrefactor.audit.secrets: the patterns of rules/secrets.toml, placeholders, credential names, redaction."""

from __future__ import annotations

import pytest

from nbrefactor.audit.catalog import Catalog, load_catalog
from nbrefactor.audit.secrets import entropy_bits, find_credentials, find_secrets, mask, notebook_secrets, redact

CATALOG = load_catalog()

# Obviously fake, pattern-valid values.
AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GITHUB = "ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78"
GITHUB_PAT = "github_pat_11ABCDEFG0123456789abcd_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOp"
SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
GOOGLE = "AIzaSyA1234567890abcdefghijklmnopqrstuv"
OPENAI = "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90"
HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
AZURE = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
PEM_BODY = "MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB"


def ids(text: str) -> list[tuple[str, str]]:
    return [(m.pattern.id, m.value) for m in find_secrets(text, CATALOG)]


@pytest.mark.parametrize(
    ("text", "pattern", "secret"),
    [
        (f'key = "{AWS_ID}"', "aws-access-key-id", AWS_ID),
        (f'aws_secret_access_key="{AWS_SECRET}"', "aws-secret-access-key", AWS_SECRET),
        (f"%env AWS_SECRET_ACCESS_KEY={AWS_SECRET}", "aws-secret-access-key", AWS_SECRET),
        (f"%set_env AWS_SECRET_ACCESS_KEY {AWS_SECRET}", "aws-secret-access-key", AWS_SECRET),
        (f'{{"aws_secret_access_key": "{AWS_SECRET}"}}', "aws-secret-access-key", AWS_SECRET),
        (f'Github(auth=Auth.Token("{GITHUB}"))', "github-token", GITHUB),
        (f"TOKEN={GITHUB_PAT}", "github-token", GITHUB_PAT),
        (f'url = "fetch_{GITHUB}"', "github-token", GITHUB),  # `_` before ghp_ is no word boundary
        (f"GH_TOKEN_{GITHUB}", "github-token", GITHUB),
        (f'WebClient(token="{SLACK}")', "slack-token", SLACK),
        ("https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/AbCdEfGhIjKlMnOpQrStUvWx", "slack-webhook", "AbCdEfGhIjKlMnOpQrStUvWx"),
        (f"key={GOOGLE}&q=x", "google-api-key", GOOGLE),
        (f'OpenAI(api_key="{OPENAI}")', "openai-key", OPENAI),
        (f'login("{HF}")', "huggingface-token", HF),
        (f'stripe.api_key = "{STRIPE}"', "stripe-key", STRIPE),
        (f'"Bearer {JWT}"', "jwt", JWT),
        (f"AccountName=acct;AccountKey={AZURE};EndpointSuffix=x", "azure-storage-key", AZURE),
        ("https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=AbCdEf0123456789AbCdEf0123456789AbCd%3D", "azure-sas-signature", "AbCdEf0123456789AbCdEf0123456789AbCd%3D"),
        ("postgresql://etl:S3cr3tPassw0rd@db.internal:5432/sales", "connection-string-password", "S3cr3tPassw0rd"),
        ("mongodb+srv://app:Zx9!kLm2@cluster0.mongodb.net/test", "connection-string-password", "Zx9!kLm2"),
        ('curl -H "Authorization: Bearer ya29AbCdEf0123456789GhIjKl"', "http-bearer-token", "ya29AbCdEf0123456789GhIjKl"),
        ('headers={"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}', "http-basic-auth", "dXNlcjpwYXNzd29yZA=="),
    ],
)
def test_each_pattern_finds_its_secret(text, pattern, secret):
    assert ids(text) == [(pattern, secret)]


def test_private_key_block_on_several_lines_and_as_one_escaped_line():
    block = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"
    (match,) = find_secrets(f'KEY = """{block}"""', CATALOG)
    assert match.pattern.id == "private-key" and match.value.startswith(PEM_BODY)
    escaped = '"private_key": "-----BEGIN PRIVATE KEY-----\\n' + PEM_BODY + '\\n-----END PRIVATE KEY-----\\n"'
    (match,) = find_secrets(escaped, CATALOG)
    assert match.pattern.id == "private-key" and match.value.startswith(PEM_BODY)


@pytest.mark.parametrize(
    "text",
    [
        'api_key = "<your-key>"',
        'key = os.environ["AWS_SECRET_ACCESS_KEY"]',
        "aws_secret_access_key=getpass()",
        'key_id = "AKIAXXXXXXXXXXXXXXXX"',
        'openai.api_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
        'model = "sk-learn-pipeline-with-grid-search"',
        "from huggingface_hub import hf_hub_download",
        "postgresql://user:password@localhost/db",
        'f"postgresql://{user}:{pw}@{host}/db"',
        "mysql://root:$DB_PASSWORD@localhost/x",
        'curl -H "Authorization: Bearer $TOKEN"',
        'curl -H "Authorization: Bearer ${TOKEN}"',
        "https://example.com:8080/path@v2",
        "-----BEGIN RSA PRIVATE KEY-----",  # a header alone carries no key
        "sha = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'",
        "ghp_short",
    ],
)
def test_placeholders_and_lookalikes_are_not_secrets(text):
    assert ids(text) == []


def test_overlapping_patterns_report_the_specific_one_once():
    assert ids(f'-H "Authorization: Bearer {JWT}"') == [("jwt", JWT)]
    assert ids(f"git clone https://user:{GITHUB}@github.com/org/repo.git") == [("github-token", GITHUB)]


def test_secrets_come_back_in_position_order():
    text = f"a = '{HF}'; b = '{AWS_ID}'"
    assert [p for p, _ in ids(text)] == ["huggingface-token", "aws-access-key-id"]


def test_user_patterns_extend_the_catalogue(tmp_path):
    (tmp_path / "secrets.toml").write_text(
        "[[pattern]]\nid = \"acme\"\ndescription = \"ACME key\"\nregex = '''ACME-[0-9]{8}'''\n", encoding="utf-8"
    )
    catalog = load_catalog((str(tmp_path),))
    assert [m.pattern.id for m in find_secrets(f"k = 'ACME-12345678' + '{AWS_ID}'", catalog)] == ["acme", "aws-access-key-id"]


def test_empty_catalogue_finds_nothing():
    assert list(find_secrets(f"key = '{AWS_ID}'", Catalog({}))) == []


def test_mask_keeps_at_most_four_characters():
    assert mask(AWS_ID) == "AKIA********"
    assert mask("short") == "********"


def test_redact_masks_every_secret_in_a_line():
    text = f"client(key='{AWS_ID}', secret='{AWS_SECRET}', url='postgresql://etl:S3cr3tPassw0rd@db/x')"
    redacted = redact(text, CATALOG)
    for secret in (AWS_ID, AWS_SECRET, "S3cr3tPassw0rd"):
        assert secret not in redacted
    assert "AKIA********" in redacted and "url='postgresql://etl:" in redacted


def test_redact_masks_credential_assignments_no_pattern_knows():
    assert redact('db_password = "Tr0ub4dor&3"', CATALOG) == 'db_password = "********"'
    assert redact('connect(password="hunter2!", host="db")', CATALOG) == 'connect(password="********", host="db")'
    assert redact("%env MLFLOW_TRACKING_TOKEN=9f8e7d6c5b4a", CATALOG) == "%env MLFLOW_TRACKING_TOKEN=9f8e********"
    assert redact('{"api_key": "a1b2c3d4e5f6"}', CATALOG) == '{"api_key": "a1b2********"}'


def test_redact_leaves_placeholders_paths_and_ordinary_text():
    for text in ('password = "<your-password>"', 'secret_path = "/run/secrets/db"', 'pad_token = "[PAD]"', "x = 1", ""):
        assert redact(text, CATALOG) == text


def test_find_credentials_reads_names_case_insensitively_and_ignores_nlp_tokens():
    found = [(c.name, c.value) for c in find_credentials('API_KEY = "k1q9Zx"; eos_token = "k2w8Yv"; client_secret="k3e7Xu"', CATALOG)]
    assert found == [("API_KEY", "k1q9Zx"), ("client_secret", "k3e7Xu")]


def test_credential_values_need_entropy_unless_a_known_default():
    # entropy_bits by hand: "abc" = 3 * log2(3); "aab" = 2*log2(3/2) + log2(3); "minio123": 6 singles
    # and one pair out of 8 = 6*3 + 2*2 = 22 bits.
    assert entropy_bits("") == 0 and entropy_bits("aaaa") == 0
    assert abs(entropy_bits("abc") - 4.754887502163468) < 1e-9
    assert abs(entropy_bits("aab") - 2.754887502163468) < 1e-9
    assert abs(entropy_bits("minio123") - 22.0) < 1e-9
    reported = lambda line: [c.value for c in find_credentials(line, CATALOG)]  # noqa: E731
    for low in ('token = "abc"', 'api_key = "1234"', 'password = "aaaa1"', 'secret = "ab12"'):
        assert reported(low) == [], low
    for placeholder in ('api_key = "your-key-here"', 'secret = "xxx"', 'password = "changeme"', 'token = "<token>"', 'password = ""'):
        assert reported(placeholder) == [], placeholder
    assert reported('password = "admin"') == ["admin"]  # 11.6 bits, but a vendor default
    assert reported('minio_key = "minio123"') == ["minio123"]
    assert reported('password = "hunter22"') == ["hunter22"]


def test_notebook_secrets_collects_pattern_values_key_lines_and_credential_literals():
    sources = [
        f'KEY = """-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n{PEM_BODY[::-1]}\n-----END RSA PRIVATE KEY-----"""',
        f'db_password = "Tr0ub4dor&3"\nclient = boto3.client(aws_access_key_id="{AWS_ID}")',
        "%env MLFLOW_TRACKING_TOKEN=9f8e7d6c5b4a\npwd = 'abc'",
    ]
    known = notebook_secrets(sources, CATALOG)
    assert {PEM_BODY, PEM_BODY[::-1], "Tr0ub4dor&3", AWS_ID, "9f8e7d6c5b4a"} <= known
    assert "abc" not in known  # too short to mask wherever it appears


def test_a_known_value_is_masked_as_a_word_not_inside_a_longer_one():
    # Fair check 37, item 151: the password `postgres` masked inside the scheme wrote
    # `********ql+psycopg2://…`, which tells what the mask hides.
    known = frozenset({"postgres"})
    line = 'engine = create_engine("postgresql+psycopg2://postgres:postgres@localhost:5432/db")'
    assert redact(line, CATALOG, known) == 'engine = create_engine("postgresql+psycopg2://********:********@localhost:5432/db")'
    assert redact("pw = get('postgres')  # postgres_user", CATALOG, known) == "pw = get('********')  # postgres_user"
    # A token with digits or symbols is the secret wherever it appears, glued to other text or not.
    assert redact("print('Bearer_Tr0ub4dor&3x')", CATALOG, frozenset({"Tr0ub4dor&3"})) == "print('Bearer_********x')"


def test_redact_with_known_values_masks_them_on_any_line():
    known = frozenset({"Tr0ub4dor&3", PEM_BODY})
    assert redact('print(user, "Tr0ub4dor&3")', CATALOG, known) == 'print(user, "********")'
    assert redact(PEM_BODY, CATALOG, known) == PEM_BODY[:4] + "********"
    assert redact('print(user, "Tr0ub4dor&3")', CATALOG) == 'print(user, "Tr0ub4dor&3")'


def test_github_token_needs_no_letter_or_digit_just_before_it():
    assert ids(f"xghp_{GITHUB[4:]}") == [] and ids(f"9{GITHUB}") == []
    assert ids(f"{GITHUB}x_") == []  # nor one after the body (a longer identifier)


@pytest.mark.parametrize(
    "text",
    [
        "_ghp_" * 40_000,
        "ghp_" + "a" * 200_000,
        ("fetch_ghp_" + "A1" * 200 + "_") * 400,
        "github_pat_" + "_" * 200_000,
        "sk-" + "a-" * 100_000,
        "postgresql://" + "a:" * 100_000,
        "aws_secret_key = " + "A" * 200_000,
        "-----BEGIN PRIVATE KEY-----" + "x" * 200_000,
        "Bearer " * 30_000,
    ],
    ids=["underscored", "long-body", "fetch-prefixed", "pat-underscores", "sk-dashes", "url-colons", "aws-long", "pem-open", "bearer"],
)
def test_patterns_stay_linear_on_adversarial_text(text):
    import time

    for pattern in CATALOG_PATTERNS:
        started = time.perf_counter()
        list(pattern.regex.finditer(text))
        elapsed = time.perf_counter() - started
        assert elapsed < 2.0, f"{pattern.id}: {elapsed:.2f}s on {len(text):,} characters"


from nbrefactor.audit.secrets import patterns as _patterns  # noqa: E402

CATALOG_PATTERNS = _patterns(CATALOG)


def test_a_described_stand_in_is_neither_reported_nor_masked_a_generated_key_is():
    # Fair check 12: `api_key="demo-sample-api-key"` (words naming the key that goes there) is no
    # SEC003 finding, so nothing may mask it either: the compiler emits cells through `redact`,
    # and a package that masks the stand-in computes something else than its notebook.
    stand_in = 'client = make_client(api_key="demo-sample-api-key")'
    assert redact(stand_in, CATALOG) == stand_in
    assert not notebook_secrets([stand_in], CATALOG)
    key = 'client = make_client(api_key="Q7xk2LmP9rT4vW8zN3bY")'
    assert "Q7xk2LmP9rT4vW8zN3bY" not in redact(key, CATALOG)
    assert "Q7xk2LmP9rT4vW8zN3bY" in notebook_secrets([key], CATALOG)
